"""Creditor, default settings, debtors and products: updates, external ids and the deletion guard."""

from __future__ import annotations

from bot.sandbox.seed import DEMO

from .helpers import Api, debtor_id


def test_creditor_and_settings_updates(h: Api) -> None:
    creditor = h.ok("GET", f"/v1/creditors/creditor/{h.cid}")
    h.ok("PUT", "/v1/creditors/creditor", json={**creditor, "Name": "Demo Bygg & Co AB", "NextInvoiceNumber": "2000"})
    assert h.ok("GET", f"/v1/creditors/creditor/{h.cid}")["Name"] == "Demo Bygg & Co AB"
    assert h.get(h.new_invoice(attest=False))["InvoiceNumber"] == "2000"
    assert h.refused("PUT", "/v1/creditors/creditor", json={**creditor, "NextInvoiceNumber": "A-1"}) == \
        "NextInvoiceNumber must be a whole number."
    h.ok("PUT", "/v1/creditors/defaultactionconfig", json={"CreditorPublicId": h.cid, "ReminderInvoiceFee": 75.5})
    config = h.ok("GET", f"/v1/creditors/defaultactionconfig/{h.cid}")
    assert (config["ReminderInvoiceFee"], config["InvoicePaymentTermsInDays"]) == (75.5, 30), "a partial body merges"
    reminder = h.ok("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": h.aid(DEMO["overdue"])})
    assert reminder["ReminderFee"]["Value"] == 7550
    negative = {"CreditorPublicId": h.cid, "ReminderInvoiceFee": -1}
    message = h.refused("PUT", "/v1/creditors/defaultactionconfig", json=negative)
    assert message == "ReminderInvoiceFee cannot be negative."


def test_debtor_update_replaces_and_is_logged(h: Api) -> None:
    anna = h.ok("GET", f"/v1/debtors/debtor/{debtor_id('1')}")
    anonymized = {**anna, "Name": None, "OrgNo": None, "Email": None, "Phone": None, "Address": None}
    h.ok("PUT", "/v1/debtors/debtor", json=anonymized)
    after = h.ok("GET", f"/v1/debtors/debtor/{debtor_id('1')}")
    assert (after["Name"], after["OrgNo"], after["Email"]) == (None, None, None)
    assert (after["Created"], after["DebtorExternalId"]) == (anna["Created"], "1")
    events = h.ok("GET", f"/v1/debtors/debtorevents/{debtor_id('1')}")
    assert events[-1]["EventType"] == "Updated"
    assert {"Created", "Attested", "Paid"} <= {e["EventType"] for e in events}, "their invoices' events too"
    h.refused("PUT", "/v1/debtors/debtor", json={**anna, "DebtorPublicId": "00000000-0000-0000-0000-000000000001"},
              status=404)


def test_duplicate_external_ids_are_accepted_but_ambiguous(h: Api) -> None:
    for kind, body in (("debtor", {"Name": "Twin AB", "DebtorExternalId": "dup"}),
                       ("product", {"Description": "Twin", "ProductExternalId": "dup"})):
        first = h.ok("POST", f"/v1/{kind}s/{kind}", json={"CreditorPublicId": h.cid, **body})["PublicId"]
        found = h.ok("GET", f"/v1/{kind}s/{kind}byexternalid/{h.cid}", params={"externalid": "dup"})
        assert found[f"{kind.title()}PublicId"] == first
        h.ok("POST", f"/v1/{kind}s/{kind}", json={"CreditorPublicId": h.cid, **body})
        message = h.refused("GET", f"/v1/{kind}s/{kind}byexternalid/{h.cid}", params={"externalid": "dup"})
        assert message == f"2 {kind}s have the external id 'dup'; it must be unique."
        h.refused("GET", f"/v1/{kind}s/{kind}byexternalid/{h.cid}", params={"externalid": "none"}, status=404)
        assert "externalid" in h.refused("GET", f"/v1/{kind}s/{kind}byexternalid/{h.cid}")


def test_a_product_on_an_invoice_cannot_be_deleted(h: Api) -> None:
    assert h.refused("DELETE", f"/v1/products/product/{DEMO.products['1']}") == \
        "The product is used on an invoice and cannot be deleted."
    product = h.ok("POST", "/v1/products/product", json={"CreditorPublicId": h.cid, "Description": "Ladder",
                                                          "UnitPrice": 799.0, "ProductExternalId": "p-9"})["PublicId"]
    draft = h.new_invoice(rows=[{"ProductPublicId": product, "Quantity": 1.0}], attest=False)
    assert h.refused("DELETE", f"/v1/products/product/{product}").startswith("The product is used")
    h.ok("DELETE", f"/v1/invoice/action/{draft}")
    h.ok("PUT", "/v1/products/product", json={"ProductPublicId": product, "Description": "Ladder XL",
                                              "UnitPrice": 899.0})
    updated = h.ok("GET", f"/v1/products/product/{h.cid}", params={"productid": product})  # the old PHP form
    assert (updated["Description"], updated["UnitPrice"], updated["ProductExternalId"]) == ("Ladder XL", 899.0, None)
    h.ok("DELETE", f"/v1/products/product/{product}")
    h.refused("GET", f"/v1/products/product/{product}", status=404)
