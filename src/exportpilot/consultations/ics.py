"""iCalendar (RFC 5545/5546) invites of consultations, written with the ``icalendar`` package.

One invite per booking with a stable UID, so calendar programs update the same entry: ``METHOD:REQUEST``
while it is requested (``STATUS:TENTATIVE``) or confirmed (``STATUS:CONFIRMED``, with the meeting link
as location and URL), ``METHOD:CANCEL`` (``STATUS:CANCELLED``) once declined or cancelled. ``SEQUENCE``
goes up with every change. Times carry the exporter's time zone (``TZID`` with its ``VTIMEZONE``); the
description gives the time in both parties' zones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from exportpilot import __version__
from exportpilot.consultations.timeslots import as_utc, utc_offset_label
from exportpilot.models import Company, ConsultationBooking, ConsultationStatus, User

PRODID = f"-//ExportPilot//Online consultation room {__version__}//EN"
MEDIA_TYPE = "text/calendar"

_TOPIC_EN = {
    "market_entry": "market entry",
    "buyer_search": "finding buyers",
    "certification": "certification",
    "tariffs_regulation": "tariffs and regulations",
    "logistics": "logistics",
    "contracts_payment": "contracts and payment",
    "marketing": "marketing",
    "other": "other",
}


def _address(user: User, *, role: str, partstat: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = icalendar.vText(user.full_name)
    address.params["role"] = icalendar.vText(role)
    address.params["partstat"] = icalendar.vText(partstat)
    address.params["cutype"] = icalendar.vText("INDIVIDUAL")
    return address


def _stamp(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} ({utc_offset_label(value)})"


def invite_filename(booking: ConsultationBooking) -> str:
    return f"consultation-{booking.id}.ics"


def build_invite(
    booking: ConsultationBooking,
    *,
    advisor: User,
    company: Company,
    company_side: Sequence[User],
    link: str | None,
) -> bytes:
    """The booking as an iCalendar file (bytes, CRLF line ends).

    Parameters
    ----------
    booking
        The consultation.
    advisor
        Its advisor: the organiser and an attendee.
    company, company_side
        The exporter's company and the people on its side (attendees).
    link
        The meeting link, when it may be shown (confirmed consultations).
    """
    cancelled = booking.status in (ConsultationStatus.cancelled, ConsultationStatus.declined)
    confirmed = booking.status == ConsultationStatus.confirmed
    exporter_tz = ZoneInfo(booking.exporter_timezone)
    advisor_tz = ZoneInfo(booking.advisor_timezone)
    start, end = as_utc(booking.starts_at), as_utc(booking.ends_at)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")

    event = icalendar.Event()
    event.add("uid", booking.ical_uid)
    event.add("sequence", booking.ical_sequence)
    # DTSTAMP: when this version of the invite came to be, so the same state always gives the same file.
    event.add("dtstamp", as_utc(booking.updated_at or booking.created_at))
    event.add("created", as_utc(booking.created_at))
    event.add("dtstart", start.astimezone(exporter_tz))
    event.add("dtend", end.astimezone(exporter_tz))
    topic = _TOPIC_EN.get(booking.topic.value, booking.topic.value)
    event.add("summary", f"ExportPilot consultation: {company.name_en} × {booking.office} ({topic})")
    local_e, local_a = start.astimezone(exporter_tz), start.astimezone(advisor_tz)
    lines = [
        f"Video consultation #{booking.id} with {advisor.full_name}, {booking.office}, {booking.city}.",
        f"Exporter: {company.name_ko} / {company.name_en}",
        f"Topic: {topic}" + (f"; market: {booking.market}" if booking.market else ""),
        f"Exporter's time: {_stamp(local_e)} {booking.exporter_timezone}",
        f"Advisor's time: {_stamp(local_a)} {booking.advisor_timezone}",
    ]
    if link:
        lines.append(f"Join: {link}")
    elif not cancelled:
        lines.append("The meeting link follows once the advisor confirms.")
    if booking.notes:
        lines.append(f"Notes: {booking.notes}")
    if cancelled and booking.status_reason:
        lines.append(f"Reason: {booking.status_reason}")
    event.add("description", "\n".join(lines))
    if link:
        event.add("location", link)
        event.add("url", link)
    else:
        event.add("location", f"{booking.office}, {booking.city} (video)")
    event.add("status", "CANCELLED" if cancelled else ("CONFIRMED" if confirmed else "TENTATIVE"))
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    organizer = icalendar.vCalAddress(f"mailto:{advisor.email}")
    organizer.params["cn"] = icalendar.vText(advisor.full_name)
    event.add("organizer", organizer)
    advisor_state = "ACCEPTED" if confirmed else ("DECLINED" if cancelled else "NEEDS-ACTION")
    event.add("attendee", _address(advisor, role="REQ-PARTICIPANT", partstat=advisor_state))
    for person in company_side:
        state = "DECLINED" if cancelled else "ACCEPTED"
        event.add("attendee", _address(person, role="REQ-PARTICIPANT", partstat=state))
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
