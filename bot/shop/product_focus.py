"""Which product a buyer means: the one named, a garment word (那裤子呢) narrowed by what fits, or the one in view.

Buyers rarely type a product's name. They say 这件 (the page they are on, or the last one talked
about) or a garment word that may fit several products (裤子: the women's jeans and the men's
chinos). A good agent narrows such a word with what the buyer has already said: a 165 cm, 50 kg
buyer asking 那裤子呢 after a size question can only mean the trousers that come in her size, and
黑色L还有吗 can only mean a product sold in black and L. Only when that still leaves several does
the agent ask which one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from bot.shop.catalogue import Catalogue, Product
from bot.shop.sizing import BETWEEN, FITS, NO_CHART, plausible, recommend_size
from bot.text.colors import canonical_color


@dataclass(frozen=True)
class ProductFocus:
    """The product meant, or the candidates to ask about.

    Attributes:
        product: the product meant, or None.
        candidates: when ``product`` is None, the products the buyer may mean (empty when nothing
            in the message or conversation points to any).
        how: ``named`` | ``garment`` | ``in_view`` | ``ambiguous`` | ``none``.
    """

    product: Optional[Product]
    candidates: Tuple[Product, ...] = ()
    how: str = "none"


def has_color(product: Product, color: str) -> bool:
    """Whether the product comes in exactly that colour, in any spelling (黑 / 黑色, 浅蓝 / 浅蓝色).

    Stricter than stock.match_colors on purpose: narrowing candidates by 蓝色 should not pick a
    product that only has 浅蓝色.
    """
    wanted = canonical_color(color)
    return any(canonical_color(own) == wanted for own in product.colors)


def can_advise(product: Product, height_cm: float, weight_kg: float) -> bool:
    """Whether the product's chart has a size for the buyer (one that fits, or two to choose from)."""
    advice = recommend_size(product, height_cm, weight_kg)
    return advice.status in (FITS, BETWEEN, NO_CHART)


def narrow(
    candidates: Sequence[Product],
    height_cm: Optional[float] = None,
    weight_kg: Optional[float] = None,
    color: Optional[str] = None,
    size: Optional[str] = None,
) -> List[Product]:
    """The candidates that suit what the buyer has said, or all of them when none does.

    Each fact is applied in turn (measurements, then colour, then size) and only if it leaves at
    least one candidate: a fact that rules everything out is the buyer's mistake to talk about, not
    a reason to pick nothing.
    """
    kept = list(candidates)
    filters = []
    if height_cm and weight_kg and plausible(height_cm, weight_kg):
        filters.append(lambda p: can_advise(p, height_cm, weight_kg))
    if color:
        filters.append(lambda p: has_color(p, color))
    if size:
        filters.append(lambda p: size in p.sizes)
    for keep in filters:
        narrower = [p for p in kept if keep(p)]
        if narrower:
            kept = narrower
    return kept


def resolve_product(
    catalogue: Catalogue,
    named: Optional[str] = None,
    garment: Optional[str] = None,
    in_view: Optional[str] = None,
    *,
    height_cm: Optional[float] = None,
    weight_kg: Optional[float] = None,
    color: Optional[str] = None,
    size: Optional[str] = None,
) -> ProductFocus:
    """Decide which product the buyer means.

    Args:
        catalogue: the shop's catalogue.
        named: a product id, name or alias from the latest message.
        garment: a garment word from the latest message (裤子), used when nothing is named.
        in_view: the product the conversation is about (the page's product or the last one talked
            about), used when the message names neither.
        height_cm, weight_kg, color, size: what the buyer has said, to narrow a garment word.

    Returns:
        The focus: a product, or the candidates to ask about.
    """
    product = catalogue.find(named) if named else None
    if product:
        return ProductFocus(product, (product,), "named")
    if garment:
        candidates = catalogue.with_garment(garment)
        kept = narrow(candidates, height_cm, weight_kg, color, size)
        if len(kept) == 1:
            return ProductFocus(kept[0], tuple(kept), "garment")
        if kept:
            return ProductFocus(None, tuple(kept), "ambiguous")
    product = catalogue.find(in_view) if in_view else None
    if product:
        return ProductFocus(product, (product,), "in_view")
    return ProductFocus(None, (), "none")


def names(products: Iterable[Product]) -> str:
    """Product names for a reply: 女款高腰直筒牛仔裤、男款修身弹力休闲裤."""
    return "、".join(product.name for product in products)
