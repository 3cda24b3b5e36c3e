"""Display names of the events domain's enumerations; the templates translate them with ``_()``."""

from __future__ import annotations

from exportpilot.models import (
    EventStatus,
    EventType,
    MeetingStatus,
    ParticipantKind,
    RequestSide,
    RequestStatus,
)
from exportpilot.web.i18n import N_

EVENT_TYPE = {
    EventType.in_person: N_("Export consultation meeting"),
    EventType.trade_mission: N_("Trade mission"),
    EventType.online_week: N_("Online week"),
}

EVENT_STATUS = {
    EventStatus.draft: N_("Draft"),
    EventStatus.open: N_("Open for requests"),
    EventStatus.scheduled: N_("Scheduled"),
    EventStatus.closed: N_("Closed"),
}

REQUEST_STATUS = {
    RequestStatus.requested: N_("Waiting for an answer"),
    RequestStatus.accepted: N_("Accepted"),
    RequestStatus.declined: N_("Declined"),
    RequestStatus.withdrawn: N_("Withdrawn"),
}

MEETING_STATUS = {
    MeetingStatus.scheduled: N_("Scheduled"),
    MeetingStatus.confirmed: N_("Confirmed"),
    MeetingStatus.cancelled: N_("Cancelled"),
}

SIDE = {
    RequestSide.buyer: N_("Buyer"),
    RequestSide.exporter: N_("Exporter"),
    RequestSide.organiser: N_("Organiser"),
}

KIND = {
    ParticipantKind.buyer: N_("Buyer"),
    ParticipantKind.exporter: N_("Exporter"),
}
