from pathlib import Path

import pytest

from bot.config import BillectaEnv, Settings, load_settings
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_defaults_run_on_the_embedded_sandbox() -> None:
    settings = load_settings()
    assert settings.billecta_env is BillectaEnv.SANDBOX
    assert settings.uses_embedded_sandbox
    assert settings.billecta_concurrency == 4
    assert settings.billecta_bot_db == Path("billecta-bot.db")
    assert settings.sandbox_db == Path("billecta-bot.sandbox.db")


@pytest.mark.parametrize(("env", "url"), [("test", "https://apitest.billecta.com"),
                                          ("production", "https://api.billecta.com")])
def test_base_url_per_environment(monkeypatch: pytest.MonkeyPatch, env: str, url: str) -> None:
    monkeypatch.setenv("BILLECTA_ENV", env)
    monkeypatch.setenv("BILLECTA_SECURE_TOKEN", "t")
    assert load_settings().base_url == url


def test_base_url_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLECTA_BASE_URL", "http://127.0.0.1:8765/")
    settings = load_settings()
    assert settings.base_url == "http://127.0.0.1:8765"
    assert not settings.uses_embedded_sandbox


@pytest.mark.parametrize(("name", "value"), [
    ("BILLECTA_CONCURRENCY", "many"), ("BILLECTA_CONCURRENCY", "0"), ("BILLECTA_ENV", "staging"),
    ("PORT", "99999"), ("BILLECTA_BASE_URL", "ftp://x"), ("ROLE_ADMINS", "alice"),
])
def test_a_bad_value_fails_with_one_line_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.user_message.startswith(name + ":")
    assert "\n" not in caught.value.user_message


def test_production_without_a_token_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLECTA_ENV", "production")
    with pytest.raises(ConfigError, match="BILLECTA_SECURE_TOKEN"):
        load_settings()


def test_secrets_are_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None, slack_bot_token="xoxb-secret", billecta_secure_token="tok-secret")  # type: ignore[call-arg]
    assert "secret" not in repr(settings)


def test_roles_parse_users_and_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLE_ADMINS", "U1, S2")
    monkeypatch.setenv("ROLE_VIEWERS", "W3")
    settings = load_settings()
    assert settings.admins == {"U1", "S2"} and settings.viewers == {"W3"} and settings.roles_configured


def test_env_example_documents_every_setting() -> None:
    text = (REPO / ".env.example").read_text()
    for name in Settings.model_fields:
        assert name.upper() in text, f"{name.upper()} is missing from .env.example"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("BILLECTA_CREDITOR_ID", "demo-bygg", "BILLECTA_CREDITOR_ID: must be the creditor's public id, a GUID"),
    ("BILLECTA_BOT_DB", "/no/such/dir/bot.db", "BILLECTA_BOT_DB: the directory '/no/such/dir' does not exist"),
    ("BILLECTA_BOT_DB", ".", "BILLECTA_BOT_DB: is a directory"),
    ("BILLECTA_SANDBOX_DB", "/no/such/dir/sb.db", "BILLECTA_SANDBOX_DB: the directory"),
])
def test_ids_and_paths_are_checked_at_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                            message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.user_message.startswith(message)


def test_a_creditor_guid_is_accepted_and_blank_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLECTA_CREDITOR_ID", " 6191563F-058A-568A-BF77-2D631866E4DD ")
    assert load_settings().billecta_creditor_id == "6191563F-058A-568A-BF77-2D631866E4DD"
    monkeypatch.setenv("BILLECTA_CREDITOR_ID", "")
    assert load_settings().billecta_creditor_id is None
