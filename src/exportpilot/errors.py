"""One exception hierarchy; the API turns each into ``{"error": <class name>, "detail": <message>}``."""

from __future__ import annotations

from typing import Any


class ExportPilotError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status_code is not None:
            self.status_code = status_code

    @property
    def error(self) -> str:
        return type(self).__name__

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "detail": self.message}
        if self.field:
            body["field"] = self.field
        return body


class NotAuthenticated(ExportPilotError):
    status_code = 401


class PermissionDenied(ExportPilotError):
    status_code = 403


class NotFound(ExportPilotError):
    status_code = 404


class Conflict(ExportPilotError):
    status_code = 409


class PayloadTooLarge(ExportPilotError):
    status_code = 413


class InvalidInput(ExportPilotError):
    status_code = 422
