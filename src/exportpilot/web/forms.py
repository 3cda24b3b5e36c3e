"""HTML forms → the domains' pydantic models, and their errors → messages next to the named fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.web.i18n import N_, gettext_for

FORM_LEVEL = "__all__"
F = TypeVar("F", bound=BaseModel)

# pydantic error types whose meaning is clear without the model's own message.
_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("Too long: at most %(max_length)s characters."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "float_parsing": N_("Enter a number."),
    "decimal_max_places": N_("Use at most %(decimal_places)s decimal places."),
    "greater_than_equal": N_("Must be %(ge)s or more."),
    "less_than_equal": N_("Must be %(le)s or less."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "string_pattern_mismatch": N_("This value does not have the expected format."),
    "too_long": N_("Too many entries: at most %(max_length)s."),
}
_SIZE_TYPES = {"string_too_short"}


class FormRejected(Exception):  # noqa: N818 - it carries a response, it is not an error of the app
    """Raised with the re-rendered form, so the request's unit of work rolls back before it is sent."""

    def __init__(self, response: HTMLResponse) -> None:
        super().__init__("form rejected")
        self.response = response


def values(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The named single-value fields of ``form``, stripped (missing ones are empty)."""
    out = {}
    for name in names:
        raw = form.get(name)
        out[name] = raw.strip() if isinstance(raw, str) else ""
    return out


def non_empty(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty fields, so the model's defaults apply."""
    return {k: v for k, v in data.items() if v not in ("", None)}


def none_if_empty(data: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Turn empty optional fields into None, which clears them on update."""
    out = dict(data)
    for name in names:
        if out.get(name) == "":
            out[name] = None
    return out


def _field_of(loc: tuple[Any, ...]) -> str:
    return str(loc[0]) if loc else FORM_LEVEL


def _message(lang: str, err: Any) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in _MESSAGES and not (kind in _SIZE_TYPES and ctx.get("min_length", 1) > 1):
        try:
            return gettext_for(lang, _MESSAGES[kind], **{k: str(v) for k, v in ctx.items()})
        except (KeyError, ValueError):
            pass
    return str(err.get("msg", "invalid")).removeprefix("Value error, ")


def validation_errors(lang: str, exc: ValidationError) -> dict[str, str]:
    """One message per form field (the first problem of each), from a pydantic error."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        errors.setdefault(_field_of(tuple(err.get("loc", ()))), _message(lang, err))
    return errors


def domain_errors(exc: ExportPilotError, known_fields: Iterable[str]) -> dict[str, str]:
    """The service's message, next to its field when the form has it, else at the top of the form."""
    field = (exc.field or "").split(".")[0]
    message = exc.message
    if exc.field and message.startswith(f"{exc.field}: "):
        message = message[len(exc.field) + 2 :]
    return {field if field in set(known_fields) else FORM_LEVEL: message}


def list_filter(model: type[F], raw: dict[str, Any]) -> F:
    """A domain's list filter from the query string (empty parameters left out); bad input is a 422 page."""
    try:
        return model.model_validate({k: v for k, v in raw.items() if v not in (None, "")})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else "filter"
        raise InvalidInput(f"{field}: {err['msg']}", field=field) from exc
