"""Authentication: SecureToken (base64 of the token), Basic on every call, apiauthenticate; routing."""

from __future__ import annotations

import base64

import pytest

from bot.billecta.endpoints import ENDPOINTS
from bot.sandbox import Sandbox

from .helpers import Api, auth, client_for


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize("headers", [
    {}, auth("wrong"), {"Authorization": "SecureToken sandbox"}, {"Authorization": "SecureToken !!!"},
    {"Authorization": "Bearer " + base64.b64encode(b"sandbox").decode()}, _basic("sandbox", "nope"),
], ids=["missing", "bad-token", "not-base64", "garbage", "other-scheme", "bad-basic"])
def test_requests_without_valid_credentials_get_401(demo: Sandbox, headers: dict[str, str]) -> None:
    with client_for(demo, headers) as client:
        for path in (f"/v1/creditors/creditor/{demo.creditor_id}", "/_sandbox/clock"):
            response = client.get(path)
            assert response.status_code == 401
            assert response.json() == {"Message": "Authorization has been denied for this request.",
                                       "ExternalErrorCode": None}


def test_secure_token_and_basic_both_work(demo: Sandbox) -> None:
    for headers in (auth(), _basic("sandbox", "sandbox")):
        with client_for(demo, headers) as client:
            assert client.get(f"/v1/creditors/creditor/{demo.creditor_id}").status_code == 200


def test_a_custom_token_and_user() -> None:
    with Sandbox(token="s3cret", username="ops", password="pw") as sb:
        with client_for(sb, auth("s3cret")) as client:
            assert client.get("/v1/creditors/creditors").status_code == 200
        with client_for(sb, auth("sandbox")) as client:
            assert client.get("/v1/creditors/creditors").status_code == 401
        with client_for(sb, _basic("ops", "pw")) as client:
            token = client.post("/v1/authentication/apiauthenticate").json()
        assert token["Value"] == "s3cret"
        with client_for(sb, auth(token["Value"])) as client:
            assert client.get("/v1/creditors/creditors").status_code == 200


def test_apiauthenticate_needs_basic_credentials(demo: Sandbox) -> None:
    with client_for(demo, _basic("sandbox", "sandbox")) as client:
        response = client.post("/v1/authentication/apiauthenticate", headers={"Content-Length": "0"})
        assert response.status_code == 200
        assert response.json()["Value"] == "sandbox"
    for headers in ({}, _basic("sandbox", "x"), auth()):
        with client_for(demo, headers) as client:
            assert client.post("/v1/authentication/apiauthenticate").status_code == 401


def test_every_endpoint_of_the_client_table_is_routed(h: Api) -> None:
    """No endpoint answers 501 (missing handler) or 404/405 (unrouted), aliases included."""
    ids = {"cid": h.cid, "did": "00000000-0000-0000-0000-000000000001", "pid": "00000000-0000-0000-0000-000000000002",
           "aid": "0000000000", "fid": "00000000-0000-0000-0000-000000000003",
           "upid": "00000000-0000-0000-0000-000000000004", "token": "NOPE"}
    for endpoint in ENDPOINTS.values():
        for method, path in ((endpoint.method, endpoint.path), *endpoint.aliases):
            response = h.client.request(method, path.format(**ids), json={} if method in ("POST", "PUT") else None)
            assert response.status_code not in (405, 500, 501), f"{endpoint.name}: {response.status_code}"
            if response.status_code == 404:
                assert "does not exist" in response.json()["Message"] or "No " in response.json()["Message"], \
                    f"{endpoint.name} is not routed"


def test_paths_are_case_insensitive_and_unknown_ones_404(h: Api) -> None:
    assert h.client.get(f"/V1/Creditors/Creditor/{h.cid}").status_code == 200
    assert h.client.get("/v1/nothing/here").status_code == 404
    assert h.client.delete(f"/v1/creditors/creditor/{h.cid}").status_code == 405


def test_malformed_ids_and_bodies_are_400(h: Api) -> None:
    assert "not a valid id" in h.refused("GET", "/v1/debtors/debtor/not-a-guid")
    assert h.refused("POST", "/v1/debtors/debtor", content=b"{nope") == "The request body is not valid JSON."
    assert h.refused("POST", "/v1/debtors/debtor", json={"CreditorPublicId": h.cid}) == "The debtor must have a name."
    alien = {"CreditorPublicId": h.cid, "Name": "X", "DebtorType": "Alien"}
    message = h.refused("POST", "/v1/debtors/debtor", json=alien)
    assert "DebtorType" in message
    h.refused("GET", "/v1/debtors/debtor/00000000-0000-0000-0000-000000000009", status=404)
