"""The consultation-room settings refuse what would make bad meeting links or unknown time zones."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from exportpilot.config import Settings


class TestLinkTemplate:
    def test_the_default_is_a_jitsi_room_per_booking(self) -> None:
        assert Settings().consultation_link_template == "https://meet.jit.si/exportpilot-{booking_id}-{token}"

    def test_every_placeholder_may_be_used(self) -> None:
        template = "https://video.example.org/{date}/{advisor_id}-{company_id}-{booking_id}-{token}"
        assert Settings(consultation_link_template=template).consultation_link_template == template

    @pytest.mark.parametrize(
        ("template", "reason"),
        [
            ("https://meet.example.org/{booking_id}", "must contain {token}"),
            ("https://meet.example.org/{token}/{password}", "unknown placeholder"),
            ("https://meet.example.org/{token.__class__}", "unknown placeholder"),
            ("https://meet.example.org/{token", "not a template"),
            ("javascript:alert(1)//{token}", "must start with https://"),
        ],
    )
    def test_bad_templates_are_refused_at_start_up(self, template: str, reason: str) -> None:
        with pytest.raises(ValidationError, match=reason):
            Settings(consultation_link_template=template)


class TestDefaults:
    def test_unknown_default_time_zone_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="unknown IANA time zone"):
            Settings(consultation_default_timezone="Korea/Seoul_City")

    @pytest.mark.parametrize(
        ("name", "value"), [("consultation_min_notice_hours", -1), ("consultation_horizon_days", 0)]
    )
    def test_limits(self, name: str, value: int) -> None:
        with pytest.raises(ValidationError):
            Settings(**{name: value})
