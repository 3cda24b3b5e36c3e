"""Notifications to the participants affected by a change, written in each recipient's language.

A participant's users (the buyer's users, the exporter company's users) each get a row with the message
in their own language; a participant without users gets one row on the participant (Korean for
exporters, English for buyers), shown to whoever logs in for it later.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from exportpilot.events.repository import EventRepository
from exportpilot.models import Event, EventParticipant, Notification, ParticipantKind

#: kind → language → message template (``str.format`` fields from the notification's params).
MESSAGES: dict[str, dict[str, str]] = {
    "request_received": {
        "en": "{event}: {other} asks to meet you.",
        "ko": "{event}: {other}에서 상담을 요청했습니다.",
    },
    "request_proposed": {
        "en": "{event}: the organiser proposes a meeting with {other}.",
        "ko": "{event}: 주최 측이 {other}와(과)의 상담을 제안했습니다.",
    },
    "request_mutual": {
        "en": "{event}: {other} also wants to meet you; the meeting is accepted.",
        "ko": "{event}: {other}도 상담을 원해 상담이 수락되었습니다.",
    },
    "request_accepted": {
        "en": "{event}: {other} accepted your meeting request.",
        "ko": "{event}: {other}에서 상담 요청을 수락했습니다.",
    },
    "request_declined": {
        "en": "{event}: {other} declined your meeting request.",
        "ko": "{event}: {other}에서 상담 요청을 거절했습니다.",
    },
    "request_withdrawn": {
        "en": "{event}: {other} withdrew the meeting request.",
        "ko": "{event}: {other}에서 상담 요청을 철회했습니다.",
    },
    "meeting_scheduled": {
        "en": "{event}: meeting with {other} on {when}, table {table}.",
        "ko": "{event}: {other}와(과)의 상담이 {when} {table}번 테이블로 배정되었습니다.",
    },
    "meeting_moved": {
        "en": "{event}: your meeting with {other} moved to {when}, table {table}.",
        "ko": "{event}: {other}와(과)의 상담이 {when} {table}번 테이블로 변경되었습니다.",
    },
    "meeting_unscheduled": {
        "en": "{event}: your meeting with {other} ({when}) no longer fits the schedule and was removed.",
        "ko": "{event}: {other}와(과)의 상담({when})이 일정에서 빠졌습니다.",
    },
    "meeting_confirmed": {
        "en": "{event}: your meeting with {other} on {when}, table {table} is confirmed.",
        "ko": "{event}: {other}와(과)의 상담({when}, {table}번 테이블)이 확정되었습니다.",
    },
    "meeting_cancelled": {
        "en": "{event}: your meeting with {other} ({when}) is cancelled.",
        "ko": "{event}: {other}와(과)의 상담({when})이 취소되었습니다.",
    },
    "participant_withdrawn": {
        "en": "{event}: {other} withdrew from the event; your meetings with them are cancelled.",
        "ko": "{event}: {other}에서 행사 참가를 취소하여 관련 상담이 취소되었습니다.",
    },
}

LANGUAGES = ("ko", "en")


def default_language(participant: EventParticipant) -> str:
    """Exporters (Korean firms) read Korean, visiting buyers English, unless a user chose otherwise."""
    return "ko" if participant.kind == ParticipantKind.exporter else "en"


def render(kind: str, lang: str, params: dict[str, Any]) -> str:
    """The message of ``kind`` in ``lang``, with ``params`` filled in (``{other}`` by language)."""
    templates = MESSAGES[kind]
    template = templates.get(lang, templates["en"])
    values = {k: v for k, v in params.items() if not isinstance(v, dict)}
    for key, value in params.items():
        if isinstance(value, dict):  # a text in both languages, e.g. a company's Korean and English name
            values[key] = value.get(lang) or value.get("en") or next(iter(value.values()), "")
    return template.format(**values)


def notify(
    session: Session,
    *,
    event: Event,
    participant: EventParticipant,
    kind: str,
    params: dict[str, Any],
) -> int:
    """Write the notification of ``kind`` for ``participant``; return how many rows were written."""
    full = {"event": event.name, **params}
    users = EventRepository(session).users_of(participant)
    rows = [
        Notification(
            user_id=u.id,
            participant_id=participant.id,
            event_id=event.id,
            kind=kind,
            message=render(kind, u.language if u.language in LANGUAGES else "en", full)[:1000],
            params=full,
        )
        for u in users
    ]
    if not rows:
        rows = [
            Notification(
                participant_id=participant.id,
                event_id=event.id,
                kind=kind,
                message=render(kind, default_language(participant), full)[:1000],
                params=full,
            )
        ]
    session.add_all(rows)
    return len(rows)
