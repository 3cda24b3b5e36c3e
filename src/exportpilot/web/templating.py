"""One Jinja2 environment per UI language, with that language's catalogue and number/date formats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from exportpilot.kit.brn import format_brn
from exportpilot.reference.industries import industry_label
from exportpilot.web import labels
from exportpilot.web.i18n import LANGUAGE_NAMES, translations

TEMPLATES_DIR = Path(__file__).parent / "templates"
# The agency works in Korean time; timestamps are stored in UTC.
DISPLAY_TZ = ZoneInfo("Asia/Seoul")


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they are UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _filters(lang: str) -> dict[str, Any]:
    def number(value: int | float | Decimal | None) -> str:
        return "" if value is None else format_decimal(value, locale=lang)

    def usd(value: int | float | Decimal | None) -> str:
        if value is None:
            return ""
        return format_currency(value, "USD", "¤#,##0", locale=lang, currency_digits=False)

    def money(value: Decimal | float | None, currency: str | None) -> str:
        if value is None:
            return ""
        if not currency:
            return format_decimal(value, locale=lang)
        return format_currency(value, currency, locale=lang)

    def date(value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = _aware(value).astimezone(DISPLAY_TZ).date()
        return format_date(value, "medium", locale=lang)

    def datetime(value: dt.datetime | None) -> str:
        if value is None:
            return ""
        local = _aware(value).astimezone(DISPLAY_TZ)
        # A 24-hour clock reads the same in both languages (CLDR's Korean short form still says "AM").
        day = format_date(local.date(), "medium", locale=lang)
        return f"{day} {format_time(local.time(), 'HH:mm', locale=lang)}"

    def name(obj: Any) -> str:
        """The Korean or English name of a record with ``name_ko`` / ``name_en``."""
        if obj is None:
            return ""
        return str(obj.name_ko if lang == "ko" else obj.name_en)

    def other_name(obj: Any) -> str:
        return str(obj.name_en if lang == "ko" else obj.name_ko)

    return {
        "number": number,
        "usd": usd,
        "money": money,
        "date": date,
        "datetime": datetime,
        "name": name,
        "other_name": other_name,
        "brn": format_brn,
        "industry": lambda code: industry_label(code, lang),
    }


@lru_cache
def environment(lang: str) -> Environment:
    """The template environment of ``lang`` (built once per language, shared by every request)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(_filters(lang))
    env.globals.update(
        lang=lang,
        html_lang=lang,
        language_names=LANGUAGE_NAMES,
        export_status_labels=labels.EXPORT_STATUS,
        verification_labels=labels.VERIFICATION_STATUS,
        role_labels=labels.ROLE,
        region_kind_labels=labels.REGION_KIND,
    )
    return env


def render_template(lang: str, name: str, context: dict[str, Any]) -> str:
    return environment(lang).get_template(name).render(context)
