"""Failures of the service as the contract's error object, with an HTTP status per stable code."""

from __future__ import annotations

from typing import Any

from clientlens.errors import ClientlensError, SpeakerNotFoundError

#: HTTP status of each library error code (clientlens.errors); an unknown code is a 500.
LIBRARY_STATUS = {
    "input_error": 400,
    "not_french": 422,
    "speaker_not_found": 422,
    "lexicon_error": 500,
    "model_error": 500,
}
#: Stable codes of HTTP statuses the framework itself produces (unknown route, wrong method ...).
HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "bad_request", 503: "timeout",
}


class ServiceError(Exception):
    """A failure answered with `status` and the error object {"error": {code, message, **extra}}."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The error object of docs/schema.md."""
        return {"error": {"code": self.code, "message": self.message, **self.extra}}

    @classmethod
    def of_library(cls, exc: ClientlensError) -> ServiceError:
        """The answer to a library error: its own code and message (written to be safe to show)."""
        extra = {"available": list(exc.available)} if isinstance(exc, SpeakerNotFoundError) else {}
        return cls(LIBRARY_STATUS.get(exc.code, 500), exc.code, str(exc), **extra)

    @classmethod
    def internal(cls) -> ServiceError:
        """An unexpected failure: no traceback, no exception text (it might quote the transcript)."""
        return cls(500, "internal_error", "internal error; the server log names the exception type")
