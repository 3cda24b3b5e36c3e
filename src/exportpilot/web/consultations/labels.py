"""Words of the consultation-room pages that come from the domain: topics and statuses."""

from __future__ import annotations

from exportpilot.models import ConsultationStatus, ConsultationTopic
from exportpilot.web.i18n import N_

TOPICS = {
    ConsultationTopic.market_entry: N_("Market entry"),
    ConsultationTopic.buyer_search: N_("Finding buyers"),
    ConsultationTopic.certification: N_("Certification"),
    ConsultationTopic.tariffs_regulation: N_("Tariffs and regulations"),
    ConsultationTopic.logistics: N_("Logistics"),
    ConsultationTopic.contracts_payment: N_("Contracts and payment"),
    ConsultationTopic.marketing: N_("Marketing"),
    ConsultationTopic.other: N_("Other"),
}

STATUSES = {
    ConsultationStatus.requested: N_("Awaiting confirmation"),
    ConsultationStatus.confirmed: N_("Confirmed"),
    ConsultationStatus.declined: N_("Declined"),
    ConsultationStatus.cancelled: N_("Cancelled"),
}
