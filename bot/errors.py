"""The bot's typed errors, all of them, in one place. Each carries text written for the user and a
`title` for the Slack view that shows it; one handler per surface shows them.

Raise these anywhere (client, services, handlers); the CLI prints `user_message` and exits non-zero,
Slack shows it in the modal field, the open modal or an ephemeral reply.

The tree (a test checks that it names every class here):

* BotError
  + UsageError
    - Tampered
  + NotAllowed
  + NotFound
  + NotInBillecta
  + InvalidInput
  + InvoiceStateError
  + ConfigError
  + StoreUnavailable
  + StillRunning
  + Unresolved
  + AlreadyDone
  + Unexpected
  + TriggerExpired
  + BillectaError
    - BillectaNotFound
    - BillectaRejected
    - BillectaRateLimited
    - BillectaUnavailable
      . OutcomeUnknown
    - BillectaAuthFailed
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

    title = "Not done"
    exit_code = 1
    is_refusal = False

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class UsageError(BotError):
    """The command or its arguments are malformed."""

    title = "Check the command"
    exit_code = 2
    is_refusal = True


class NotAllowed(BotError):
    """The caller's role is below what the command needs."""

    title = "Not allowed"
    exit_code = 3
    is_refusal = True


class NotFound(BotError):
    """A local record (or target) does not exist."""

    title = "Not found"
    exit_code = 4
    is_refusal = True


class NotInBillecta(BotError):
    """The record exists locally but has not been synced to Billecta yet (it has no Billecta id)."""

    title = "Not in Billecta"
    exit_code = 4
    is_refusal = True


class InvalidInput(BotError):
    """Form or file input failed validation; `field_errors` maps field name to its message."""

    title = "Check the form"
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

    title = "Configuration problem"
    exit_code = 78


class BillectaError(BotError):
    """Something went wrong talking to Billecta."""

    title = "Billecta problem"
    exit_code = 5
    # Worth retrying later (rate limit, outage) as opposed to a refusal that will not change.
    transient = False


class BillectaNotFound(BillectaError):
    title = "Not found in Billecta"
    is_refusal = True


class BillectaRejected(BillectaError):
    """Billecta refused the request (HTTP 400): `billecta_message` is Billecta's own reason.

    Billecta answers 400 for its state rules ("the invoice is already paused") and for bad input
    alike, and the same request would be refused again, so it is a refusal, not an incident.
    """

    title = "Billecta said no"
    is_refusal = True

    def __init__(self, billecta_message: str, external_error_code: str | None = None) -> None:
        super().__init__(f"Billecta refused: {billecta_message}")
        self.billecta_message = billecta_message
        self.external_error_code = external_error_code


class BillectaRateLimited(BillectaError):
    title = "Billecta is busy"
    transient = True

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("Billecta is rate limiting us; try again in a minute.")
        self.retry_after = retry_after


class BillectaUnavailable(BillectaError):
    title = "Billecta not answering"
    transient = True

    def __init__(self, detail: str = "") -> None:
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"Billecta is not answering right now{suffix}; try again shortly.")


class BillectaAuthFailed(BillectaError):
    title = "Billecta login failed"

    def __init__(self) -> None:
        super().__init__(
            "Billecta did not accept our credentials. An admin should check BILLECTA_SECURE_TOKEN "
            "and BILLECTA_CREDITOR_ID."
        )


class InvoiceStateError(BotError):
    """The invoice is in a state where the action makes no sense; the message says why, and
    `instead` names the verb that does apply (paused → 'resume'), if any."""

    title = "Not possible now"

    exit_code = 6
    is_refusal = True

    def __init__(self, user_message: str, *, instead: str | None = None, key: str | None = None) -> None:
        super().__init__(user_message)
        self.instead, self.key = instead, key


class OutcomeUnknown(BillectaUnavailable):
    """A write may or may not have been applied, and looking it up could not tell which."""

    title = "Outcome unknown"

    # Retrying later without checking first could apply it twice (a double payment).
    transient = False

    def __init__(self, action: str, where: str) -> None:
        super().__init__("outcome unknown")
        self.user_message = (
            f"Billecta did not confirm whether {action} went through. Check {where} before trying again."
        )
        self.args = (self.user_message,)


class StillRunning(BotError):
    """The same work is being done right now by a process that is alive."""

    title = "Already running"


class Unresolved(BotError):
    """The work may or may not have happened, and Billecta could not tell which just now."""

    title = "Outcome unknown"


class Unexpected(BotError):
    """A bug or an outage of our own, before anything was sent; the text carries a log reference."""

    title = "Something went wrong"


class AlreadyDone(BotError):
    """An earlier attempt, interrupted by a crash, was found done in Billecta."""

    title = "Already done"


class TriggerExpired(BotError):
    """Slack's ~3 s to open a modal for an interaction ran out before the bot could open it."""

    title = "Try again"

    def __init__(self) -> None:
        super().__init__("Slack gives a bot 3 seconds to open a dialog and that time ran out while the bot "
                         "was busy. Nothing was changed; run the command again.")


class Tampered(UsageError):
    """A sealed value came back changed (or without its seal)."""

    title = "Start again"

    def __init__(self) -> None:
        super().__init__("This dialog or button came back changed, so the bot did nothing with it. "
                         "Start again with /billecta.")


class StoreUnavailable(BotError):
    """The database file cannot be opened (a bad path, no permission, not a database)."""

    title = "Database problem"

    exit_code = 78
