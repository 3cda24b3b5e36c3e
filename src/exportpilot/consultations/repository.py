"""Every query of the online consultation room."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select

from exportpilot.consultations.schemas import AvailabilityFilter, BookingFilter
from exportpilot.consultations.timeslots import as_utc
from exportpilot.kit.repository import RepositoryBase
from exportpilot.models import (
    AdvisorAvailability,
    ConsultationBooking,
)
from exportpilot.models.consultation import ACTIVE_STATUSES


def _db_time(value: datetime) -> datetime:
    # SQLite keeps timestamps as naive text: bind UTC so that comparisons line up with stored values.
    return as_utc(value).replace(microsecond=0)


class AvailabilityRepository(RepositoryBase[AdvisorAvailability]):
    model = AdvisorAvailability

    def filtered(
        self, f: AvailabilityFilter, *, only_advisor: int | None = None
    ) -> Select[AdvisorAvailability]:
        stmt = select(AdvisorAvailability)
        advisor = only_advisor if only_advisor is not None else f.advisor_id
        if advisor is not None:
            stmt = stmt.where(AdvisorAvailability.advisor_id == advisor)
        if f.active is not None:
            stmt = stmt.where(AdvisorAvailability.is_active.is_(f.active))
        # markets and topics are JSON lists; they are few, so they are filtered in the service.
        return stmt.order_by(AdvisorAvailability.country_code, AdvisorAvailability.id)

    def active(
        self, *, advisor_id: int | None = None, ids: Sequence[int] | None = None
    ) -> list[AdvisorAvailability]:
        stmt = select(AdvisorAvailability).where(AdvisorAvailability.is_active.is_(True))
        if advisor_id is not None:
            stmt = stmt.where(AdvisorAvailability.advisor_id == advisor_id)
        if ids is not None:
            stmt = stmt.where(AdvisorAvailability.id.in_(list(ids) or [-1]))
        return list(self.session.scalars(stmt.order_by(AdvisorAvailability.id)).unique())


class BookingRepository(RepositoryBase[ConsultationBooking]):
    model = ConsultationBooking

    def filtered(
        self,
        f: BookingFilter,
        *,
        now: datetime,
        advisor_or_requester: int | None = None,
        company: int | None = None,
    ) -> Select[ConsultationBooking]:
        stmt = select(ConsultationBooking)
        if advisor_or_requester is not None:
            stmt = stmt.where(
                (ConsultationBooking.advisor_id == advisor_or_requester)
                | (ConsultationBooking.requested_by_id == advisor_or_requester)
            )
        if company is not None:
            stmt = stmt.where(ConsultationBooking.company_id == company)
        if f.status is not None:
            stmt = stmt.where(ConsultationBooking.status == f.status)
        if f.upcoming:
            stmt = stmt.where(ConsultationBooking.ends_at > _db_time(now))
        return stmt.order_by(ConsultationBooking.starts_at.desc(), ConsultationBooking.id.desc())

    def overlapping(
        self,
        start: datetime,
        end: datetime,
        *,
        advisor_id: int | None = None,
        company_id: int | None = None,
        advisor_ids: Sequence[int] | None = None,
    ) -> list[ConsultationBooking]:
        """Active bookings that overlap ``start``–``end`` of an advisor (or several) or a company."""
        stmt = select(ConsultationBooking).where(
            ConsultationBooking.status.in_(ACTIVE_STATUSES),
            ConsultationBooking.starts_at < _db_time(end),
            ConsultationBooking.ends_at > _db_time(start),
        )
        if advisor_id is not None:
            stmt = stmt.where(ConsultationBooking.advisor_id == advisor_id)
        if advisor_ids is not None:
            stmt = stmt.where(ConsultationBooking.advisor_id.in_(list(advisor_ids) or [-1]))
        if company_id is not None:
            stmt = stmt.where(ConsultationBooking.company_id == company_id)
        return list(self.session.scalars(stmt.order_by(ConsultationBooking.starts_at)))

    def upcoming_of_availability(self, availability_id: int, now: datetime) -> list[ConsultationBooking]:
        stmt = select(ConsultationBooking).where(
            ConsultationBooking.availability_id == availability_id,
            ConsultationBooking.status.in_(ACTIVE_STATUSES),
            ConsultationBooking.ends_at > _db_time(now),
        )
        return list(self.session.scalars(stmt.order_by(ConsultationBooking.starts_at)))
