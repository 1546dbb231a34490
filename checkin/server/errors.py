"""The one error type routes raise: an HTTP status, a machine word and a plain sentence.

Every 4xx/5xx body is `{"error": "<word>", "message": "<sentence>", ...extra}`
(docs/sync-protocol.md, "Errors")."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra

    def body(self) -> dict:
        return {"error": self.error, "message": self.message, **self.extra}


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} does not exist on this server")
