"""Korean business registration numbers (사업자등록번호): NNN-NN-NNNNN with a check digit."""

from __future__ import annotations

import re

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def normalize_brn(value: str) -> str:
    """Strip hyphens and spaces; return the 10 digits (not yet checked)."""
    return re.sub(r"[\s-]", "", value or "")


def brn_check_digit(first9: str) -> int:
    digits = [int(c) for c in first9]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True))
    total += (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def is_valid_brn(value: str) -> bool:
    brn = normalize_brn(value)
    if not re.fullmatch(r"\d{10}", brn):
        return False
    return brn_check_digit(brn[:9]) == int(brn[9])


def format_brn(value: str) -> str:
    brn = normalize_brn(value)
    return f"{brn[:3]}-{brn[3:5]}-{brn[5:]}"
