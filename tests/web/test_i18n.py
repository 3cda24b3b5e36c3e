"""The message catalogues: every string of the pages is translated into Korean, and nothing stale is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from exportpilot.web import i18n
from exportpilot.web.templating import environment

WEB = Path(i18n.__file__).parent


def extracted() -> set[str | tuple[str, ...]]:
    """The msgids pybabel would extract with the project's babel.cfg (see exportpilot/web/i18n.py)."""
    with (WEB / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    ids: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), method_map, options_map, keywords=keywords
    ):
        ids.add(message if isinstance(message, str) else tuple(message))
    return ids


def catalogue(lang: str):  # type: ignore[no-untyped-def]
    with i18n.catalogue_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


class TestCatalogues:
    def test_every_ui_string_has_a_korean_translation(self) -> None:
        ko = catalogue("ko")
        missing = []
        for msgid in sorted(extracted(), key=str):
            entry = ko.get(msgid[0] if isinstance(msgid, tuple) else msgid)
            strings = entry.string if entry else None
            if not entry or not all(strings if isinstance(strings, tuple) else [strings]) or entry.fuzzy:
                missing.append(msgid)
        assert missing == [], f"untranslated in ko/messages.po (run pybabel extract/update): {missing}"
        assert len(extracted()) > 150

    @pytest.mark.parametrize("lang", ["ko", "en"])
    def test_catalogue_has_no_stale_or_broken_entries(self, lang: str) -> None:
        cat = catalogue(lang)
        wanted = {m[0] if isinstance(m, tuple) else m for m in extracted()}
        stale = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id)
        assert sorted(set(stale) - wanted) == []
        assert list(cat.obsolete) == []
        errors = [(m.id, [str(e) for e in errs]) for m, errs in cat.check()]
        assert errors == []

    def test_catalogues_load_without_a_compile_step(self) -> None:
        assert i18n.translations("ko").gettext("Dashboard") == "대시보드"
        assert i18n.translations("en").gettext("Dashboard") == "Dashboard"
        assert i18n.translations("ko").ngettext("%(num)s company", "%(num)s companies", 3) == "기업 %(num)s곳"
        with pytest.raises(ValueError, match="unsupported language"):
            i18n.translations("fr")


class TestFormats:
    def test_numbers_and_money_by_locale(self) -> None:
        ko, en = environment("ko").filters, environment("en").filters
        assert ko["number"](1234567) == "1,234,567"
        assert ko["usd"](120000) == "US$120,000" and en["usd"](120000) == "$120,000"
        assert en["money"](12.5, "EUR") == "€12.50"
        assert ko["money"](12.5, None) == "12.5"
