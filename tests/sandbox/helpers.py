"""Helpers for the sandbox tests: auth headers, clients on a sandbox, and `Api` shortcuts."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from bot.sandbox import DEMO, Sandbox

BASE_URL = "http://sandbox.billecta.invalid"


def auth(token: str = "sandbox") -> dict[str, str]:
    return {"Authorization": "SecureToken " + base64.b64encode(token.encode()).decode()}


def client_for(sb: Sandbox, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=BASE_URL, transport=sb.transport(), headers=auth() if headers is None else headers)


class Api:
    """Small helpers over a client on the demo sandbox."""

    def __init__(self, sb: Sandbox, client: httpx.Client) -> None:
        self.sb, self.client, self.cid = sb, client, sb.creditor_id

    def invoice(self, number: str) -> dict[str, Any]:
        response = self.client.get(f"/v1/invoice/actionbyinvoicenumber/{self.cid}", params={"invoiceNumber": number})
        assert response.status_code == 200, response.text
        return response.json()

    def aid(self, number: str) -> str:
        return str(self.invoice(number)["ActionPublicId"])

    def get(self, aid: str) -> dict[str, Any]:
        response = self.client.get(f"/v1/invoice/action/{aid}")
        assert response.status_code == 200, response.text
        return response.json()

    def case(self, aid: str) -> dict[str, Any]:
        response = self.client.get(f"/v1/debtcollection/action/{aid}")
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code in (200, 204), f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def refused(self, method: str, path: str, status: int = 400, **kwargs: Any) -> str:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        body = response.json()
        assert set(body) == {"Message", "ExternalErrorCode"} and body["ExternalErrorCode"] is None
        return str(body["Message"])

    def new_invoice(self, debtor_ext: str = "2", rows: list[dict[str, Any]] | None = None, attest: bool = True,
                    **extra: Any) -> str:
        day = self.sb.now().date()
        body = {"CreditorPublicId": self.cid, "DebtorPublicId": debtor_id(debtor_ext),
                "InvoiceDate": f"{day} 00:00:00", "DueDate": extra.pop("DueDate", None) or f"{day} 00:00:00",
                "Records": rows or [{"ArticleDescription": "Work", "Quantity": 1.0, "VAT": 25.0,
                                     "UnitPrice": {"CurrencyCode": "SEK", "Value": 100_000}}], **extra}
        aid = self.ok("POST", "/v1/invoice/action", json=body)["PublicId"]
        if attest:
            self.ok("PUT", f"/v1/invoice/attest/{aid}")
        return str(aid)


def debtor_id(ext: str) -> str:
    return DEMO.debtors[ext]
