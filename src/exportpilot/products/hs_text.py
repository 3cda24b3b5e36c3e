"""Text helpers of the HS classifier: input checks, scripts, word tokens and grouping keys.

Product texts arrive in Korean, English, mixed, and sometimes Spanish, Vietnamese or Chinese; they
also arrive empty, as a pasted data sheet of 20,000 characters, or as binary garbage. These helpers
decide what the classifier can read and turn it into tokens.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

#: Characters of a text that the classifier reads; the rest of a longer text is ignored.
MAX_CHARS = 1_000

#: Scripts the training data covers (Vietnamese and Spanish are written in Latin letters).
SUPPORTED_SCRIPTS = frozenset({"latin", "hangul", "han"})

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD = re.compile(r"[^\W\d_]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_GROUP_STRIP = re.compile(r"[\W\d_]+")
# Korean morpheme tags kept as words: nouns, roots, foreign words, hanja, verb and adjective stems.
_KIWI_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SH", "XR", "VV", "VA"})

_kiwi: Any = None
_kiwi_lock = threading.Lock()


def _get_kiwi() -> Any:
    """Return the process-wide Kiwi analyser (its model ships inside ``kiwipiepy_model``)."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi()
    return _kiwi


def warm_up() -> None:
    """Load the Korean analyser now rather than on the first Korean text (it takes a few seconds)."""
    _get_kiwi().tokenize("냉동 소고기")  # the first analysis loads the rest of Kiwi's model


def has_hangul(text: str) -> bool:
    """Return whether ``text`` contains Korean letters."""
    return bool(_HANGUL.search(text))


def script_group(text: str) -> str:
    """Return ``"korean"`` for text with Hangul, ``"latin"`` for text with Latin letters, else ``"other"``."""
    if has_hangul(text):
        return "korean"
    return "latin" if any(_letter_script(ch) == "latin" for ch in text) else "other"


def _letter_script(ch: str) -> str | None:
    """Return the lower-case script of a letter (``"latin"``, ``"hangul"``, ``"cyrillic"`` ...)."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if not name:
        return "unknown"
    first = name.split(" ", 1)[0].lower()
    if first in ("cjk", "hiragana", "katakana", "ideographic"):
        return "han"
    if first == "fullwidth":
        return "latin"
    return first


def group_key(text: str) -> str:
    """Return the key under which near-identical texts fall together for grouped cross-validation.

    Lower-cased, with digits, punctuation and spaces removed: ``"Beef ground; frozen 2kg"`` and
    ``"BEEF GROUND FROZEN 5 KG"`` share a key. A text with no letters keeps its stripped self.
    """
    key = _GROUP_STRIP.sub("", text.lower())
    return key or text.strip()


def word_tokens(text: str) -> list[str]:
    """Split ``text`` into words: Korean morphemes (Kiwi) for Korean text, letter runs otherwise.

    Digits are dropped and a plural ``s`` is folded (``"valves"`` → ``"valve"``); character n-grams
    keep the model numbers and spellings this loses.
    """
    lowered = text.lower()
    if has_hangul(lowered):
        tokens = [t.form for t in _get_kiwi().tokenize(lowered) if t.tag in _KIWI_TAGS]
        tokens = [t for t in tokens if not t.isdigit()]
    else:
        tokens = _LATIN_WORD.findall(lowered)
    return [t[:-1] if len(t) > 3 and t.endswith("s") and not t.endswith("ss") else t for t in tokens]


@dataclass(frozen=True)
class TextCheck:
    """What the classifier can make of one input text.

    Attributes
    ----------
    text : str
        The cleaned text the classifier reads (control characters removed, at most ``MAX_CHARS``).
    usable : bool
        False when there is nothing to classify (empty, no letters, binary data); the result is then
        a ``needs_review`` result without a real prediction.
    issue : str or None
        Why the text is unusable or why the result needs review regardless of its confidence
        (``"empty text"``, ``"unsupported script: arabic"``, ``"text truncated to 1000 characters"``).
    force_review : bool
        True when the text is readable but outside what the training data covers.
    script : str
        ``"korean"``, ``"latin"`` or ``"other"`` (see :func:`script_group`).
    """

    text: str
    usable: bool
    issue: str | None
    force_review: bool
    script: str


def check_text(raw: object) -> TextCheck:
    """Clean one input text and say whether, and how far, it can be classified.

    Parameters
    ----------
    raw : object
        The input; anything that is not a ``str`` (``None``, ``NaN`` from a CSV) counts as empty.

    Returns
    -------
    TextCheck
    """
    if not isinstance(raw, str) or not raw.strip():
        return TextCheck("", False, "empty text", True, "other")
    weird = len(_CONTROL.findall(raw)) + sum(
        1 for ch in raw if unicodedata.category(ch) in ("Co", "Cs", "Cn")
    )
    if weird > max(2, 0.1 * len(raw)):
        return TextCheck("", False, "text looks like binary data", True, "other")
    cleaned = _CONTROL.sub(" ", raw)
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) not in ("Co", "Cs", "Cn"))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    issue: str | None = None
    if len(cleaned) > MAX_CHARS:
        cleaned = cleaned[:MAX_CHARS]
        issue = f"text truncated to {MAX_CHARS} characters"
    scripts = [s for s in (_letter_script(ch) for ch in cleaned) if s is not None]
    if len(scripts) < 2:
        return TextCheck("", False, "no words to classify (no letters)", True, "other")
    counts: dict[str, int] = {}
    for s in scripts:
        counts[s] = counts.get(s, 0) + 1
    supported = sum(n for s, n in counts.items() if s in SUPPORTED_SCRIPTS)
    script = script_group(cleaned)
    if supported < 0.5 * len(scripts):
        main = max((s for s in counts if s not in SUPPORTED_SCRIPTS), key=lambda s: counts[s])
        return TextCheck(cleaned, True, f"unsupported script: {main}", True, script)
    return TextCheck(cleaned, True, issue, False, script)
