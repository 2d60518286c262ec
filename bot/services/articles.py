"""Articles ↔ Billecta products: upsert and delete, keyed by ProductExternalId = the local id."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.models import ProductView
from bot.errors import BillectaNotFound, BillectaRejected
from bot.services import ItemResult
from bot.services.labels import label
from bot.services.mirror import resolve_source
from bot.store import SyncStatus

if TYPE_CHECKING:
    from bot.runtime import Runtime


def product_from_article(article: dict[str, Any], creditor_id: str) -> ProductView:
    return ProductView(
        creditor_public_id=creditor_id,
        product_external_id=str(article["id"]),
        article_number=article.get("article_number"),
        description=article["name"],
        units=article.get("unit"),
        unit_price=Decimal(article["unit_price"]),
        vat=Decimal(article.get("vat_rate") or "25"),
        product_type=enums.ProductType.coerce(article.get("product_type") or "Service"),
        is_active=bool(article.get("is_active", 1)),
    )


def upsert_article(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Create or update one article. `resumed`: an earlier attempt may have created it already."""
    article = resolve_source(rt, "article", record_id)
    product = product_from_article(article, rt.billecta.creditor_id)
    billecta_id = article.get("billecta_id")
    try:
        verb = _push(rt, product, billecta_id, resumed)
    except BillectaRejected as exc:
        rt.store.mark_failed("article", article["id"], exc.billecta_message)
        raise
    rt.store.mark_synced("article", article["id"], product.product_public_id, pushed_version=article["updated_at"])
    return ItemResult(str(article["id"]), label("article", article), product.product_public_id, verb)


def _push(rt: Runtime, product: ProductView, billecta_id: str | None, resumed: bool) -> str:
    """Update when Billecta has it (by id, else by external id after a crash), create otherwise."""
    if not billecta_id and resumed:
        found = rt.billecta.find_product_by_external_id(product.product_external_id or "")
        billecta_id = found.product_public_id if found else None
    if billecta_id:
        product.product_public_id = billecta_id
        try:
            rt.billecta.update_product(product)
            return "updated"
        except BillectaNotFound:
            product.product_public_id = None  # deleted in Billecta's portal: create it again
    product.product_public_id = rt.billecta.create_product(product)
    return "created"


def delete_article(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    article = resolve_source(rt, "article", record_id)
    billecta_id = article.get("billecta_id")
    if not billecta_id:
        found = rt.billecta.find_product_by_external_id(str(article["id"]))
        billecta_id = found.product_public_id if found else None
    if billecta_id:
        try:
            rt.billecta.delete_product(billecta_id)
        except BillectaNotFound:
            pass  # already gone: deleting is done
        except BillectaRejected as exc:
            rt.store.mark_failed("article", article["id"], exc.billecta_message)
            raise
    rt.store.mark_synced("article", article["id"], billecta_id, status=SyncStatus.DELETED)
    return ItemResult(str(article["id"]), label("article", article), billecta_id, "deleted")
