"""The creditor id: configured, or the only creditor the token can see; otherwise the admin must choose."""

from __future__ import annotations

import threading

import pytest

from bot.errors import ConfigError

from .fake_billecta import CREDITOR, FakeBillecta, json_reply, make_client

OTHER = "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a"
LIST = "/v1/creditors/creditors"


def test_the_configured_creditor_is_used_without_asking() -> None:
    fake = FakeBillecta().on("GET", f"/v1/invoice/open/{CREDITOR}", json_reply([]))
    client = make_client(fake, creditor_id=CREDITOR)
    client.open_invoices()
    assert client.creditor_id == CREDITOR
    assert fake.calls("GET", LIST) == []


def test_the_only_creditor_the_token_sees_is_used_and_remembered() -> None:
    fake = (FakeBillecta()
            .on("GET", LIST, json_reply([{"CreditorPublicId": CREDITOR, "Name": "Acme Finans AB"}]))
            .on("GET", f"/v1/invoice/open/{CREDITOR}", json_reply([])))
    client = make_client(fake, creditor_id=None)
    threads = [threading.Thread(target=client.open_invoices) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.creditor_id == CREDITOR
    assert len(fake.calls("GET", LIST)) == 1
    assert len(fake.calls("GET", f"/v1/invoice/open/{CREDITOR}")) == 5


def test_several_creditors_need_the_admin_to_choose() -> None:
    fake = FakeBillecta().on("GET", LIST, json_reply([
        {"CreditorPublicId": CREDITOR, "Name": "Acme Finans AB"},
        {"CreditorPublicId": OTHER, "Name": "Acme Holding AB"}]))
    client = make_client(fake, creditor_id=None)
    with pytest.raises(ConfigError) as caught:
        client.open_invoices()
    message = caught.value.user_message
    assert "BILLECTA_CREDITOR_ID" in message
    assert f"Acme Finans AB ({CREDITOR})" in message and f"Acme Holding AB ({OTHER})" in message
    assert fake.calls("GET", f"/v1/invoice/open/{CREDITOR}") == []


def test_no_creditor_at_all_is_a_config_error() -> None:
    fake = FakeBillecta().on("GET", LIST, json_reply([]))
    with pytest.raises(ConfigError, match="sees no creditor"):
        _ = make_client(fake, creditor_id=None).creditor_id
