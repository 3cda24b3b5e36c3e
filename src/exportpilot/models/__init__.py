"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from exportpilot.models.audit import AuditEntry
from exportpilot.models.buyer import Buyer, BuyerContact, VerificationSource, VerificationStatus
from exportpilot.models.company import Company, CompanyExport, ExportStatus
from exportpilot.models.inquiry import HSSource, Inquiry, InquiryStatus
from exportpilot.models.introduction import DeclineReason, Introduction, IntroductionEvent, IntroductionStage
from exportpilot.models.product import Product
from exportpilot.models.reference import Country, Currency, HSCode, Language, Province, Region, RegionalHQ
from exportpilot.models.user import ApiToken, Role, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Buyer",
    "BuyerContact",
    "Company",
    "CompanyExport",
    "Country",
    "Currency",
    "DeclineReason",
    "ExportStatus",
    "HSCode",
    "HSSource",
    "Inquiry",
    "InquiryStatus",
    "Introduction",
    "IntroductionEvent",
    "IntroductionStage",
    "Language",
    "Product",
    "Province",
    "Region",
    "RegionalHQ",
    "Role",
    "User",
    "VerificationSource",
    "VerificationStatus",
]
