"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from exportpilot.models.audit import AuditEntry
from exportpilot.models.buyer import Buyer, BuyerContact, VerificationSource, VerificationStatus
from exportpilot.models.company import Company, CompanyExport, ExportStatus
from exportpilot.models.company_market import CompanyExportMarket
from exportpilot.models.consultation import (
    AdvisorAvailability,
    AvailabilityWindow,
    ConsultationBooking,
    ConsultationStatus,
    ConsultationTopic,
)
from exportpilot.models.event import (
    Event,
    EventInterpreter,
    EventParticipant,
    EventSlot,
    EventStatus,
    EventType,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Notification,
    ParticipantKind,
    RequestSide,
    RequestStatus,
)
from exportpilot.models.inquiry import HSSource, Inquiry, InquiryStatus
from exportpilot.models.introduction import DeclineReason, Introduction, IntroductionEvent, IntroductionStage
from exportpilot.models.product import HSCodeSource, Product, ProfileSource
from exportpilot.models.reference import Country, Currency, HSCode, Language, Province, Region, RegionalHQ
from exportpilot.models.user import ApiToken, Role, User

__all__ = [
    "AdvisorAvailability",
    "AvailabilityWindow",
    "ConsultationBooking",
    "ConsultationStatus",
    "ConsultationTopic",
    "ApiToken",
    "AuditEntry",
    "Buyer",
    "BuyerContact",
    "Company",
    "CompanyExport",
    "CompanyExportMarket",
    "Country",
    "Currency",
    "DeclineReason",
    "Event",
    "EventInterpreter",
    "EventParticipant",
    "EventSlot",
    "EventStatus",
    "EventType",
    "ExportStatus",
    "HSCode",
    "HSCodeSource",
    "HSSource",
    "Inquiry",
    "InquiryStatus",
    "Introduction",
    "IntroductionEvent",
    "IntroductionStage",
    "Language",
    "Meeting",
    "MeetingRequest",
    "MeetingStatus",
    "Notification",
    "ParticipantKind",
    "Product",
    "ProfileSource",
    "Province",
    "Region",
    "RequestSide",
    "RequestStatus",
    "RegionalHQ",
    "Role",
    "User",
    "VerificationSource",
    "VerificationStatus",
]
