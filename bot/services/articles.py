"""Articles ↔ Billecta products: upsert and delete, keyed by ProductExternalId = the local id."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.models import ProductView
from bot.errors import BillectaNotFound, BillectaRejected
from bot.services import ItemResult, known
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
    """Create or update one article; one by its external id in Billecta is the same product."""
    article = resolve_source(rt, "article", record_id)
    product = product_from_article(article, rt.billecta.creditor_id)
    billecta_id = article.get("billecta_id")
    try:
        verb = _push(rt, product, billecta_id, resumed=resumed)
    except BillectaRejected as exc:
        rt.store.mark_failed("article", article["id"], exc.billecta_message)
        raise
    rt.store.mark_synced("article", article["id"], product.product_public_id, pushed_version=article["updated_at"])
    return ItemResult(str(article["id"]), label("article", article), product.product_public_id, verb)


def _push(rt: Runtime, product: ProductView, billecta_id: str | None, *, resumed: bool) -> str:
    """Update what Billecta has (by our id, else by external id: an account that already holds the
    product, or a create whose reply was lost); create only when it has none. A large job's index of
    external ids answers the look-up for records it has not tried before (bot.services.known)."""
    if billecta_id and _update(rt, product, billecta_id):
        return "updated"
    external_id = product.product_external_id or ""
    indexed = known.billecta_id("article", external_id, resumed=resumed)
    if isinstance(indexed, str) and _update(rt, product, indexed):
        return "updated"
    if indexed is not None:  # the index could not say, or its product was deleted since it was listed
        found = rt.billecta.find_product_by_external_id(external_id)
        if found is not None and found.product_public_id and _update(rt, product, found.product_public_id):
            return "updated"
    product.product_public_id = rt.billecta.create_product(product)
    return "created"


def index_products(rt: Runtime) -> known.ExternalIndex:
    return known.ExternalIndex("article", lambda _: rt.billecta.product_external_ids())


def _update(rt: Runtime, product: ProductView, billecta_id: str) -> bool:
    """False when Billecta no longer has it (deleted in its portal)."""
    product.product_public_id = billecta_id
    try:
        rt.billecta.update_product(product)
        return True
    except BillectaNotFound:
        product.product_public_id = None
        return False


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
