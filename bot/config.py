"""Settings from the environment (and an optional `.env`); `.env.example` documents each one.

`load_settings()` fails fast with one line naming the bad variable, so an operator never has to
read a traceback to find a typo.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.billecta import endpoint_file
from bot.billecta.endpoints import ENDPOINTS, Endpoint
from bot.errors import ConfigError


class BillectaEnv(StrEnum):
    SANDBOX = "sandbox"
    TEST = "test"
    PRODUCTION = "production"


DEFAULT_BASE_URLS = {
    BillectaEnv.TEST: "https://apitest.billecta.com",
    BillectaEnv.PRODUCTION: "https://api.billecta.com",
}
SANDBOX_TOKEN = "sandbox"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    billecta_env: BillectaEnv = BillectaEnv.SANDBOX
    billecta_base_url: str | None = None
    billecta_secure_token: str | None = Field(default=None, repr=False)
    billecta_creditor_id: str | None = None
    billecta_bot_db: Path = Path("./billecta-bot.db")
    # The in-process sandbox's own state file; defaults to '<bot db stem>.sandbox.db' beside it.
    billecta_sandbox_db: Path | None = None
    billecta_concurrency: int = Field(default=4, ge=1, le=64)
    billecta_timeout_seconds: float = Field(default=20.0, gt=0)
    # A TOML file correcting endpoint paths (bot/billecta/endpoint_file.py).
    billecta_endpoints: Path | None = None
    _endpoints: dict[str, Endpoint] = PrivateAttr(default_factory=lambda: dict(ENDPOINTS))

    slack_bot_token: str | None = Field(default=None, repr=False)
    slack_signing_secret: str | None = Field(default=None, repr=False)
    slack_app_token: str | None = Field(default=None, repr=False)
    slack_api_url: str | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    notify_channel: str | None = None
    alert_channel: str | None = None
    # The zone every time is shown in (Slack and the CLI), with its offset; see bot/timefmt.py.
    display_timezone: str = "Europe/Stockholm"

    # Comma-separated Slack user ids (U…/W…) and user-group ids (S…).
    role_admins: str = ""
    role_operators: str = ""
    role_viewers: str = ""

    # JSON list of {"cron": "0 2 * * *", "command": "debtor upsert", "targets": "--changed"}.
    schedules: str | None = None
    # Swish requests (`invoice swish`): where the payer's phone is prefilled from (dot notation from the
    # invoice: `debtor.phone` is its debtor's phone; see bot/services/swish_form.py), the message it
    # proposes ({invoice_number}, {debtor}, {amount}), how often a request's status is read and how
    # long it is followed (Swish itself drops an unanswered request after 3 minutes).
    swish_phone_field: str = "debtor.phone"
    swish_default_message: str = "Payment of invoice {invoice_number}"
    swish_poll_seconds: float = Field(default=3.0, gt=0, le=60)
    swish_timeout_minutes: float = Field(default=5.0, gt=0, le=60)
    # How long a reversible change's result (pause, dispute…) offers its Undo button.
    undo_minutes: int = Field(default=5, ge=1, le=60)

    @field_validator("billecta_base_url", "slack_api_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("billecta_creditor_id")
    @classmethod
    def _guid(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not _GUID.match(value.strip()):
            raise ValueError("must be the creditor's public id, a GUID like 0b6f4a52-43a4-4d3e-9a57-5a2f0c7b9e11")
        return value.strip()

    @field_validator("billecta_bot_db", "billecta_sandbox_db")
    @classmethod
    def _db_path(cls, value: Path | None) -> Path | None:
        if value is None or str(value) == ":memory:":
            return value
        if value.is_dir():
            raise ValueError("is a directory; give a file name such as ./billecta-bot.db")
        if not value.parent.is_dir():
            raise ValueError(f"the directory {str(value.parent)!r} does not exist")
        return value

    @field_validator("swish_phone_field")
    @classmethod
    def _field_path(cls, value: str) -> str:
        parts = value.strip().split(".")
        if not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part) for part in parts):
            raise ValueError("must be a field path in dot notation, e.g. debtor.phone")
        return value.strip()

    @field_validator("swish_default_message")
    @classmethod
    def _swish_message(cls, value: str) -> str:
        from bot.services.swish_form import message_template_problem

        problem = message_template_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("billecta_endpoints")
    @classmethod
    def _endpoint_file(cls, value: Path | None) -> Path | None:
        if value is None or not str(value).strip():
            return None
        endpoint_file.load(value)  # fails here, at start, with the line to fix
        return value

    @field_validator("display_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from bot.timefmt import zone_named

        zone_named(value.strip())
        return value.strip()

    @field_validator("role_admins", "role_operators", "role_viewers")
    @classmethod
    def _ids(cls, value: str) -> str:
        for item in _split(value):
            if item[:1] not in ("U", "W", "S") or not item.isalnum():
                raise ValueError(f"{item!r} is not a Slack user id (U…/W…) or user-group id (S…)")
        return value

    @model_validator(mode="after")
    def _production_needs_token(self) -> Settings:
        if self.billecta_env is BillectaEnv.PRODUCTION and not self.billecta_secure_token:
            raise ValueError("BILLECTA_SECURE_TOKEN is required when BILLECTA_ENV=production")
        return self

    @model_validator(mode="after")
    def _load_endpoints(self) -> Settings:
        if self.billecta_endpoints is not None:
            self._endpoints = endpoint_file.load(self.billecta_endpoints)
        return self

    @property
    def endpoints(self) -> dict[str, Endpoint]:
        """The endpoint table the client uses: the built-in one with BILLECTA_ENDPOINTS' corrections."""
        return self._endpoints

    @property
    def uses_embedded_sandbox(self) -> bool:
        return self.billecta_env is BillectaEnv.SANDBOX and self.billecta_base_url is None

    @property
    def is_sandbox(self) -> bool:
        return self.billecta_env is BillectaEnv.SANDBOX

    @property
    def base_url(self) -> str:
        if self.billecta_base_url:
            return self.billecta_base_url
        if self.billecta_env is BillectaEnv.SANDBOX:
            return "http://sandbox.billecta.invalid"
        return DEFAULT_BASE_URLS[self.billecta_env]

    @property
    def secure_token(self) -> str | None:
        if self.billecta_secure_token:
            return self.billecta_secure_token
        return SANDBOX_TOKEN if self.is_sandbox else None

    @property
    def sandbox_db(self) -> Path:
        if self.billecta_sandbox_db is not None:
            return self.billecta_sandbox_db
        db = self.billecta_bot_db
        return db.with_name(f"{db.stem}.sandbox{db.suffix or '.db'}")

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(_split(self.role_admins))

    @property
    def operators(self) -> frozenset[str]:
        return frozenset(_split(self.role_operators))

    @property
    def viewers(self) -> frozenset[str]:
        return frozenset(_split(self.role_viewers))

    @property
    def roles_configured(self) -> bool:
        return bool(self.admins or self.operators or self.viewers)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or a ConfigError whose one line names the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = "_".join(str(part) for part in first["loc"]).upper() or "configuration"
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:
            raise ConfigError(f"configuration: {message}") from None
        shown = "" if any(word in variable for word in ("TOKEN", "SECRET")) else f" (got {first.get('input')!r})"
        raise ConfigError(f"{variable}: {message}{shown}") from None
