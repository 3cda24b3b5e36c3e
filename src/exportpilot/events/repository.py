"""Every query of the events domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select

from exportpilot.kit.repository import RepositoryBase
from exportpilot.models import (
    Buyer,
    Company,
    Event,
    EventInterpreter,
    EventParticipant,
    EventSlot,
    EventStatus,
    Meeting,
    MeetingRequest,
    Notification,
    ParticipantKind,
    Role,
    User,
)


class EventRepository(RepositoryBase[Event]):
    model = Event

    def visible(self, *, include_drafts: bool) -> Sequence[Event]:
        stmt = select(Event).order_by(Event.id.desc())
        if not include_drafts:
            stmt = stmt.where(Event.status != EventStatus.draft)
        return self.session.scalars(stmt).all()

    def slots(self, event_id: int) -> Sequence[EventSlot]:
        return self.session.scalars(
            select(EventSlot)
            .where(EventSlot.event_id == event_id)
            .order_by(EventSlot.starts_at, EventSlot.id)
        ).all()

    def interpreters(self, event_id: int) -> Sequence[EventInterpreter]:
        return self.session.scalars(
            select(EventInterpreter)
            .where(EventInterpreter.event_id == event_id)
            .order_by(EventInterpreter.slot_id, EventInterpreter.language)
        ).all()

    def interpreter(self, slot_id: int, language: str) -> EventInterpreter | None:
        return self.session.scalar(
            select(EventInterpreter).where(
                EventInterpreter.slot_id == slot_id, EventInterpreter.language == language
            )
        )

    def participants(self, event_id: int) -> Sequence[EventParticipant]:
        return self.session.scalars(
            select(EventParticipant)
            .where(EventParticipant.event_id == event_id)
            .order_by(EventParticipant.kind, EventParticipant.id)
        ).all()

    def participant_of(
        self, event_id: int, *, buyer_id: int | None, company_id: int | None
    ) -> EventParticipant | None:
        stmt = select(EventParticipant).where(EventParticipant.event_id == event_id)
        if buyer_id is not None:
            stmt = stmt.where(EventParticipant.buyer_id == buyer_id)
        else:
            stmt = stmt.where(EventParticipant.company_id == company_id)
        return self.session.scalar(stmt)

    def participants_of_user(self, user: User) -> Sequence[EventParticipant]:
        if user.role == Role.buyer and user.buyer_id is not None:
            cond = EventParticipant.buyer_id == user.buyer_id
        elif user.role == Role.exporter and user.company_id is not None:
            cond = EventParticipant.company_id == user.company_id
        else:
            return []
        return self.session.scalars(select(EventParticipant).where(cond).order_by(EventParticipant.id)).all()

    def requests(
        self, event_id: int, participant_ids: Iterable[int] | None = None
    ) -> Sequence[MeetingRequest]:
        stmt = select(MeetingRequest).where(MeetingRequest.event_id == event_id)
        if participant_ids is not None:
            ids = list(participant_ids)
            stmt = stmt.where(
                or_(
                    MeetingRequest.buyer_participant_id.in_(ids),
                    MeetingRequest.exporter_participant_id.in_(ids),
                )
            )
        return self.session.scalars(stmt.order_by(MeetingRequest.id)).all()

    def request_for_pair(self, buyer_pid: int, exporter_pid: int) -> MeetingRequest | None:
        return self.session.scalar(
            select(MeetingRequest).where(
                MeetingRequest.buyer_participant_id == buyer_pid,
                MeetingRequest.exporter_participant_id == exporter_pid,
            )
        )

    def meetings(self, event_id: int) -> Sequence[Meeting]:
        return self.session.scalars(
            select(Meeting).where(Meeting.event_id == event_id).order_by(Meeting.slot_id, Meeting.table)
        ).all()

    def meeting_of_request(self, request_id: int) -> Meeting | None:
        return self.session.scalar(select(Meeting).where(Meeting.request_id == request_id))

    def users_of(self, participant: EventParticipant) -> Sequence[User]:
        if participant.kind == ParticipantKind.buyer:
            cond = (User.role == Role.buyer) & (User.buyer_id == participant.buyer_id)
        else:
            cond = (User.role == Role.exporter) & (User.company_id == participant.company_id)
        return self.session.scalars(
            select(User).where(cond, User.is_active.is_(True)).order_by(User.id)
        ).all()

    def names(self, participants: Iterable[EventParticipant]) -> dict[int, tuple[str, str, str | None]]:
        """Participant id → (Korean name, English name, country code)."""
        parts = list(participants)
        buyer_ids = {p.buyer_id for p in parts if p.buyer_id is not None}
        company_ids = {p.company_id for p in parts if p.company_id is not None}
        buyers = {
            b.id: b for b in self.session.scalars(select(Buyer).where(Buyer.id.in_(buyer_ids))).unique()
        }
        companies = {
            c.id: c for c in self.session.scalars(select(Company).where(Company.id.in_(company_ids))).unique()
        }
        out: dict[int, tuple[str, str, str | None]] = {}
        for p in parts:
            if p.buyer_id is not None and p.buyer_id in buyers:
                b = buyers[p.buyer_id]
                out[p.id] = (b.company_name, b.company_name, b.country_code)
            elif p.company_id is not None and p.company_id in companies:
                c = companies[p.company_id]
                out[p.id] = (c.name_ko, c.name_en, "KOR")
            else:
                out[p.id] = (f"#{p.id}", f"#{p.id}", None)
        return out


class NotificationRepository(RepositoryBase[Notification]):
    model = Notification

    def for_user(
        self, user: User, participant_ids: Iterable[int], *, unread_only: bool
    ) -> Sequence[Notification]:
        ids = list(participant_ids)
        cond = Notification.user_id == user.id
        if ids:
            cond = or_(cond, (Notification.user_id.is_(None)) & (Notification.participant_id.in_(ids)))
        stmt = select(Notification).where(cond)
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        return self.session.scalars(
            stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
        ).all()

    def for_event(self, event_id: int) -> Sequence[Notification]:
        return self.session.scalars(
            select(Notification)
            .where(Notification.event_id == event_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        ).all()
