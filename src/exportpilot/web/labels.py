"""Display names of the domain's enumerations; the templates translate them with ``_()``."""

from __future__ import annotations

from exportpilot.models import ExportStatus, Role, VerificationStatus
from exportpilot.web.i18n import N_

EXPORT_STATUS = {
    ExportStatus.none: N_("No exports yet"),
    ExportStatus.initial: N_("Initial exporter"),
    ExportStatus.growing: N_("Growing exporter"),
    ExportStatus.established: N_("Established exporter"),
}

VERIFICATION_STATUS = {
    VerificationStatus.unverified: N_("Unverified"),
    VerificationStatus.verified: N_("Verified"),
    VerificationStatus.flagged: N_("Flagged"),
    VerificationStatus.blocked: N_("Blocked"),
}

ROLE = {
    Role.admin: N_("Administrator"),
    Role.advisor: N_("Advisor"),
    Role.exporter: N_("Exporter"),
    Role.buyer: N_("Buyer"),
}

REGION_KIND = {
    "pole": N_("Pole (5 poles)"),
    "special": N_("Special self-governing province"),
}

ERROR_TITLES = {
    400: N_("The request could not be handled"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This action is not allowed here"),
    409: N_("The change conflicts with existing data"),
    413: N_("The request is too large"),
    422: N_("Some of the input is not valid"),
}
ERROR_HINTS = {
    403: N_("Your role does not allow this. Ask your agency administrator if you need access."),
    404: N_("The address may be mistyped, or the record was removed."),
}
DEFAULT_ERROR_TITLE = N_("Something went wrong")
