"""The Babel message catalogues of the web pages (Korean and English), read straight from the .po files.

Source strings are English; ``locale/<lang>/LC_MESSAGES/messages.po`` holds each translation. The .po is
compiled in memory when first used, so there is no separate compile step and no .mo file to keep in
sync. After changing a page, refresh the catalogues from the repository root::

    pybabel extract -F src/exportpilot/web/babel.cfg -k N_ --sort-by-file --project ExportPilot \\
        --copyright-holder "ExportPilot contributors" \\
        -o src/exportpilot/web/locale/messages.pot src/exportpilot/web
    pybabel update -i src/exportpilot/web/locale/messages.pot -d src/exportpilot/web/locale \\
        --no-fuzzy-matching
    # translate the new entries of locale/ko/LC_MESSAGES/messages.po, then restart the app

``tests/web/test_i18n.py`` fails when a string of the pages has no Korean translation.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: Final = ("ko", "en")
LANGUAGE_NAMES: Final = {"ko": "한국어", "en": "English"}
LOCALE_DIR: Final = Path(__file__).parent / "locale"


def N_(message: str) -> str:  # noqa: N802 - the conventional name of the no-op marker
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@lru_cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The translations of ``lang``, compiled in memory from its .po file (fuzzy entries are left out)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    with catalogue_path(lang).open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(lang: str, message: str, **params: object) -> str:
    """Translate ``message`` into ``lang`` and fill its ``%(name)s`` placeholders."""
    text = translations(lang).gettext(message)
    return text % params if params else text
