"""Words of the buyer pages that come from the domain: trust components and their evidence.

The English strings repeat ``buyers.trust.REASONS`` so that pybabel finds them here; a test checks that
the two stay the same.
"""

from __future__ import annotations

from exportpilot.buyers.trust import Evidence, TrustComponent
from exportpilot.models import VerificationSource
from exportpilot.web.i18n import N_, gettext_for

COMPONENTS = {
    "identity": N_("Identity verified"),
    "domains": N_("Web and e-mail domains"),
    "activity": N_("Activity"),
    "responsiveness": N_("Responsiveness"),
    "specificity": N_("Specific inquiries"),
    "signals": N_("Duplicate and fraud signals"),
}

REASONS = {
    "identity_office": N_("Identity verified by an overseas trade office"),
    "identity_advisor": N_("Identity verified by an advisor"),
    "identity_unverified": N_("Identity not verified yet"),
    "identity_flagged": N_("Flagged by an advisor: identity under review"),
    "identity_blocked": N_("Blocked by the agency"),
    "domains_none": N_("No web site or e-mail address to check"),
    "domains_agree": N_("Web site and e-mail use the same domain (%(domain)s)"),
    "domains_differ": N_("Web site (%(web)s) and e-mail (%(email)s) use different domains"),
    "domain_single": N_("Only one company domain to check (%(domain)s)"),
    "email_free_mail": N_("E-mail at a free mailbox provider (%(domain)s)"),
    "domain_matches_name": N_("The domain %(domain)s matches the company name"),
    "domain_unlike_name": N_("The domain %(domain)s does not resemble the company name"),
    "activity_inquiries": N_("Inquiries posted: %(count)s"),
    "activity_replies": N_("Replies to introductions: %(count)s"),
    "activity_meetings": N_("Meetings held: %(count)s"),
    "responsiveness_unknown": N_("No introductions answered or due yet"),
    "responsiveness_share": N_("Answered %(answered)s of %(due)s introductions"),
    "responsiveness_time": N_("Median answer time %(hours)s hours"),
    "responsiveness_slow": N_("Median answer time %(hours)s hours (slow)"),
    "specificity_none": N_("No inquiries to judge"),
    "specificity_share": N_(
        "Its inquiries give %(percent)s%% of: HS code, quantity, price, destination, certifications"
    ),
    "specificity_often_missing": N_("Often missing: %(fields)s"),
    "signal_none": N_("No duplicate or fraud signals"),
    "signal_free_mail_large": N_("A large importer writing from a free mailbox (%(domain)s)"),
    "signal_phone_country": N_(
        "Phone number is from %(phone_country)s, the buyer is registered in %(country)s"
    ),
    "signal_tld_country": N_(
        "Domain %(domain)s is of %(tld_country)s, the buyer is registered in %(country)s"
    ),
    "signal_near_identical": N_("%(count)s near-identical inquiries"),
    "signal_duplicate": N_("Possible duplicate of buyer records %(ids)s"),
    "signal_flagged": N_("Flagged: %(reason)s"),
    "signal_blocked": N_("Blocked: %(reason)s"),
}

FIELD_NAMES = {
    "hs_code": N_("HS code"),
    "quantity": N_("quantity"),
    "target_price": N_("target price"),
    "destination": N_("destination"),
    "certifications": N_("certifications"),
}

VERIFICATION_SOURCE = {
    VerificationSource.advisor: N_("an advisor"),
    VerificationSource.overseas_office: N_("an overseas trade office"),
}

IMPORT_ACTIONS = {
    "created": N_("Added"),
    "updated": N_("Gaps filled"),
    "unchanged": N_("Already registered"),
    "invalid": N_("Not imported"),
}


def evidence_text(lang: str, evidence: Evidence) -> str:
    return evidence.text(lambda s: gettext_for(lang, s))


def component_view(lang: str, component: TrustComponent) -> dict[str, object]:
    return {
        "code": component.code,
        "name": gettext_for(lang, COMPONENTS[component.code]),
        "points": component.points,
        "max_points": component.max_points,
        "evidence": [(e.points, evidence_text(lang, e)) for e in component.evidence],
    }
