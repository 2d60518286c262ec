"""The sandbox's API errors: an HTTP status plus the short English `Message` Billecta would send."""

from __future__ import annotations


class ApiError(Exception):
    """Raised anywhere while handling a request; answered as {"Message", "ExternalErrorCode": null}."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    """A business rule or validation failure (400)."""
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    """An unknown id (404)."""
    return ApiError(404, message)
