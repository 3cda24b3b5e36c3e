"""Demo availability of the online consultation room: a few overseas trade offices (해외무역관) where demo
advisors take video consultations, in the offices' own time zones.

Generated and marked ``is_generated``; the same every time (no randomness, no dates: weekly windows).
:func:`~exportpilot.demo.loader.load_demo` calls :func:`load_consultation_demo` with the demo advisors
it inserted and :func:`clear_consultation_demo` before it deletes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from exportpilot.consultations.timeslots import parse_windows
from exportpilot.demo.generator import DEMO_EMAIL_DOMAIN
from exportpilot.models import AdvisorAvailability, AvailabilityWindow, Company, ConsultationBooking, User


@dataclass(frozen=True, slots=True)
class DemoOffice:
    office: str
    city: str
    country_code: str
    timezone: str
    languages: tuple[str, ...]
    markets: tuple[str, ...]
    topics: tuple[str, ...]
    windows: tuple[str, ...]
    slot_minutes: int = 30
    note: str = ""


#: Offices and their weekly windows (local time), chosen to overlap Korean office hours where they can.
OFFICES: tuple[DemoOffice, ...] = (
    DemoOffice(
        office="호치민무역관 (Ho Chi Minh City)",
        city="Ho Chi Minh City",
        country_code="VNM",
        timezone="Asia/Ho_Chi_Minh",  # UTC+7: 09:00 is 11:00 in Seoul
        languages=("ko", "vi", "en"),
        markets=("VNM", "KHM", "LAO"),
        topics=("market_entry", "buyer_search", "certification", "logistics"),
        windows=(
            "mon 09:00-12:00",
            "tue 09:00-12:00",
            "wed 14:00-17:00",
            "thu 09:00-12:00",
            "fri 14:00-16:00",
        ),
        note="[DEMO] 베트남·캄보디아·라오스 시장 진출, 바이어 발굴, 인증 상담",
    ),
    DemoOffice(
        office="프랑크푸르트무역관 (Frankfurt)",
        city="Frankfurt am Main",
        country_code="DEU",
        timezone="Europe/Berlin",  # UTC+1/+2: 08:00 is 16:00 (winter) or 15:00 (summer) in Seoul
        languages=("ko", "de", "en"),
        markets=("DEU", "AUT", "CHE"),
        topics=("market_entry", "certification", "tariffs_regulation", "contracts_payment"),
        windows=("mon 08:00-11:00", "tue 08:00-11:00", "wed 08:00-11:00", "thu 08:00-10:00"),
        slot_minutes=45,
        note="[DEMO] EU CE 인증, 독일어권 유통, 계약·결제 조건 상담",
    ),
    DemoOffice(
        office="로스앤젤레스무역관 (Los Angeles)",
        city="Los Angeles",
        country_code="USA",
        timezone="America/Los_Angeles",  # UTC-8/-7: 16:00 is 09:00 or 08:00 the next day in Seoul
        languages=("ko", "en", "es"),
        markets=("USA", "MEX"),
        topics=("market_entry", "buyer_search", "tariffs_regulation", "logistics", "marketing"),
        # Monday to Thursday afternoons, and one window past midnight (Thursday night into Friday).
        windows=("mon 16:00-19:00", "tue 16:00-19:00", "wed 16:00-19:00", "thu 22:00-01:00"),
        note="[DEMO] 미국 관세·FDA, 물류, 아마존·유통 채널 상담",
    ),
    DemoOffice(
        office="두바이무역관 (Dubai)",
        city="Dubai",
        country_code="ARE",
        timezone="Asia/Dubai",  # UTC+4: 09:00 is 14:00 in Seoul
        languages=("ko", "ar", "en"),
        markets=("ARE", "SAU", "QAT"),
        topics=("market_entry", "buyer_search", "certification", "contracts_payment"),
        windows=(
            "mon 09:00-12:00",
            "tue 09:00-12:00",
            "wed 09:00-12:00",
            "thu 09:00-12:00",
            "fri 09:00-11:00",
        ),
        note="[DEMO] 중동 시장 진출, 할랄 인증, 바이어 발굴 상담",
    ),
)


def load_consultation_demo(session: Session, advisor_ids: Sequence[int]) -> int:
    """Publish :data:`OFFICES`' availability for the last demo advisors (one office each); returns
    the number of availabilities written. Nothing is committed."""
    hosts = list(advisor_ids)[-len(OFFICES) :]
    if not hosts:
        return 0
    rows = [
        {
            "advisor_id": advisor_id,
            "office": o.office,
            "city": o.city,
            "country_code": o.country_code,
            "timezone": o.timezone,
            "slot_minutes": o.slot_minutes,
            "languages": list(o.languages),
            "topics": list(o.topics),
            "markets": list(o.markets),
            "note": o.note,
            "is_active": True,
            "is_generated": True,
        }
        for advisor_id, o in zip(hosts, OFFICES, strict=False)
    ]
    ids = list(
        session.scalars(
            insert(AdvisorAvailability).returning(AdvisorAvailability.id, sort_by_parameter_order=True), rows
        )
    )
    windows = [
        {
            "availability_id": aid,
            "weekday": w.weekday,
            "on_date": w.on_date,
            "start_time": w.start,
            "end_time": w.end,
        }
        for aid, o in zip(ids, OFFICES, strict=False)
        for w in parse_windows(o.windows)
    ]
    session.execute(insert(AvailabilityWindow), windows)
    return len(ids)


def clear_consultation_demo(session: Session) -> None:
    """Delete generated availability and every booking that involves a demo user or generated company."""
    demo_users = select(User.id).where(User.email.endswith(f"@{DEMO_EMAIL_DOMAIN}", autoescape=True))
    companies = select(Company.id).where(Company.is_generated.is_(True))
    availabilities = select(AdvisorAvailability.id).where(
        AdvisorAvailability.is_generated.is_(True) | AdvisorAvailability.advisor_id.in_(demo_users)
    )
    statements = (
        delete(ConsultationBooking).where(
            or_(
                ConsultationBooking.is_generated.is_(True),
                ConsultationBooking.advisor_id.in_(demo_users),
                ConsultationBooking.company_id.in_(companies),
            )
        ),
        update(ConsultationBooking)
        .where(ConsultationBooking.availability_id.in_(availabilities))
        .values(availability_id=None),
        update(ConsultationBooking)
        .where(ConsultationBooking.requested_by_id.in_(demo_users))
        .values(requested_by_id=None),
        update(ConsultationBooking)
        .where(ConsultationBooking.decided_by_id.in_(demo_users))
        .values(decided_by_id=None),
        update(ConsultationBooking)
        .where(ConsultationBooking.cancelled_by_id.in_(demo_users))
        .values(cancelled_by_id=None),
        delete(AvailabilityWindow).where(AvailabilityWindow.availability_id.in_(availabilities)),
        delete(AdvisorAvailability).where(AdvisorAvailability.id.in_(availabilities)),
    )
    for statement in statements:
        session.execute(statement, execution_options={"synchronize_session": False})
