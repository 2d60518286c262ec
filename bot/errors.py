"""The bot's typed errors. Each carries text written for the user; one handler per surface shows it.

Raise these anywhere (client, services, handlers); the CLI prints `user_message` and exits non-zero,
Slack shows it in the modal field, the open modal or an ephemeral reply.
"""

from __future__ import annotations

ECHO_LIMIT = 60


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """User input quoted back in a message, cut short: a pasted 40,000-character text must not make
    the reply itself longer than Slack takes (or than anyone reads)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BotError(Exception):
    """Base class: `user_message` is safe to show (no secrets, no stack traces).

    `is_refusal`: the error is an answer to the user — their input, their role, a record that is
    not there, Billecta's rules — so a retry gives the same answer. It is shown to the requester and
    audited as refused; it is not an incident (no alert, no "Try again", not a failure on the Home).
    Everything else (Billecta down or rate limiting, outcome unknown, unexpected errors) is one.
    """

    exit_code = 1
    is_refusal = False

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class UsageError(BotError):
    """The command or its arguments are malformed."""

    exit_code = 2
    is_refusal = True


class NotAllowed(BotError):
    """The caller's role is below what the command needs."""

    exit_code = 3
    is_refusal = True


class NotFound(BotError):
    """A local record (or target) does not exist."""

    exit_code = 4
    is_refusal = True


class NotInBillecta(BotError):
    """The record exists locally but has not been synced to Billecta yet (it has no Billecta id)."""

    exit_code = 4
    is_refusal = True


class InvalidInput(BotError):
    """Form or file input failed validation; `field_errors` maps field name to its message."""

    exit_code = 2
    is_refusal = True

    def __init__(self, user_message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(user_message)
        self.field_errors = field_errors or {}


def is_refusal(exc: BaseException) -> bool:
    """An answer for the user (see BotError.is_refusal), as opposed to a failure a retry may fix."""
    return isinstance(exc, BotError) and exc.is_refusal


class ConfigError(BotError):
    """A missing or malformed setting; the message names the variable."""

    exit_code = 78


class BillectaError(BotError):
    """Something went wrong talking to Billecta."""

    exit_code = 5
    # Worth retrying later (rate limit, outage) as opposed to a refusal that will not change.
    transient = False


class BillectaNotFound(BillectaError):
    is_refusal = True


class BillectaRejected(BillectaError):
    """Billecta refused the request (HTTP 400): `billecta_message` is Billecta's own reason.

    Billecta answers 400 for its state rules ("the invoice is already paused") and for bad input
    alike, and the same request would be refused again, so it is a refusal, not an incident.
    """

    is_refusal = True

    def __init__(self, billecta_message: str, external_error_code: str | None = None) -> None:
        super().__init__(f"Billecta refused: {billecta_message}")
        self.billecta_message = billecta_message
        self.external_error_code = external_error_code


class BillectaRateLimited(BillectaError):
    transient = True

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("Billecta is rate limiting us; try again in a minute.")
        self.retry_after = retry_after


class BillectaUnavailable(BillectaError):
    transient = True

    def __init__(self, detail: str = "") -> None:
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"Billecta is not answering right now{suffix}; try again shortly.")


class BillectaAuthFailed(BillectaError):
    def __init__(self) -> None:
        super().__init__(
            "Billecta did not accept our credentials. An admin should check BILLECTA_SECURE_TOKEN "
            "and BILLECTA_CREDITOR_ID."
        )
