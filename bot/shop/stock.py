"""Stock answers from the catalogue: is this colour and size in stock, what is sold out, when is it back.

Plain logic over ``stock`` and ``restock`` of a product (no Rasa, no clock). The rules follow what
a good agent says: 有货 without a number unless few are left (仅剩3件, so the buyer is not rushed
for nothing), a sold-out size with its restock date or an honest 暂无补货计划, the same size in
other colours as an alternative, and the colours or sizes the product does have when the buyer
asks for one it never had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.handoff.reasons import HandoffReason
from bot.shop.catalogue import Product
from bot.shop.replies import Answer, join_lines
from bot.text.colors import canonical_color

#: Stock at or below this many units is "low": the reply gives the count (仅剩3件).
LOW_STOCK = 5

LIST_SEPARATOR = "、"
SIZE_SEPARATOR = "/"

IN_STOCK = "in_stock"
LOW = "low_stock"
SOLD_OUT = "sold_out"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class VariantStock:
    """The stock of one colour and size of a product.

    Attributes:
        color: the colour as the catalogue spells it.
        size: the size label.
        status: ``in_stock`` | ``low_stock`` (1..LOW_STOCK left) | ``sold_out`` | ``unknown`` (the
            catalogue gives no count).
        count: units left, None when unknown.
        restock: the date a sold-out variant is back, None when there is no plan.
    """

    color: str
    size: str
    status: str
    count: Optional[int] = None
    restock: Optional[date] = None

    @property
    def available(self) -> bool:
        """Whether it can be bought now."""
        return self.status in (IN_STOCK, LOW)

    def as_fact(self) -> Dict[str, Any]:
        """Plain values for ``Answer.facts`` (the date as ``YYYY-MM-DD``)."""
        return {
            "color": self.color,
            "size": self.size,
            "status": self.status,
            "count": self.count,
            "restock": self.restock.isoformat() if self.restock else None,
        }


def match_colors(product: Product, color: Optional[str]) -> List[str]:
    """The product's colours a buyer's colour word means, in catalogue order.

    The same colour in another spelling (黑 / 黑色, 藏青 / 藏青色) is one match. Otherwise a hue
    covers its shades: 蓝色 means 浅蓝色 and 深蓝色 (the reply names both), 白色 means 米白色 when
    the product has no plain white, 浅蓝 means 浅蓝条纹. A plain 白色 never matches 米白色 on a
    product that sells both.

    Args:
        product: the product.
        color: a colour as extracted, e.g. ``黑色``, ``浅蓝``; None or empty for none.

    Returns:
        The matching catalogue colours; empty when the product has none of that colour.
    """
    if not color:
        return []
    asked = canonical_color(color)
    exact = [c for c in product.colors if canonical_color(c) == asked]
    if exact:
        return exact
    hue = asked[:-1] if asked.endswith("色") and len(asked) > 1 else asked
    return [c for c in product.colors if hue in canonical_color(c)]


def match_size(product: Product, size: Optional[str]) -> Optional[str]:
    """The product's size label a buyer's size means (``m`` -> ``M``, ``XXL`` -> ``2XL``, ``M码`` -> ``M``).

    Returns:
        The label as in ``product.sizes``, or None when the product has no such size.
    """
    if size is None:
        return None
    written = str(size).strip().upper()
    key = written.removesuffix("码").strip()
    if len(key) > 2 and set(key[:-1]) == {"X"} and key.endswith("L"):
        key = f"{len(key) - 1}XL"
    for label in product.sizes:
        if label.upper() in (written, key):
            return label
    return None


def variant_stock(product: Product, color: str, size: str) -> VariantStock:
    """The stock of one colour and size, from the catalogue's ``stock`` and ``restock``."""
    count = (product.stock or {}).get(color, {}).get(size)
    if count is None:
        return VariantStock(color, size, UNKNOWN)
    if count == 0:
        return VariantStock(color, size, SOLD_OUT, 0, (product.restock or {}).get(color, {}).get(size))
    return VariantStock(color, size, LOW if count <= LOW_STOCK else IN_STOCK, count)


def size_words(replies: Any, labels: Sequence[str]) -> str:
    """Sizes as a buyer reads them: ``M码``, ``S/M/L码``; ``均码`` already says 码 and is kept as is.

    Args:
        replies: the shop's replies (``stock.size_label`` says how a size is written).
        labels: size labels, e.g. ``["S", "M"]``.
    """
    joined = SIZE_SEPARATOR.join(labels)
    return joined if joined.endswith("码") else replies.render("stock.size_label", size=joined)


def answer_stock(
    shop: Any, product: Product, color: Optional[str] = None, size: Optional[str] = None
) -> Answer:
    """Whether a product is in stock, as a reply (at most four lines) from the ``stock`` templates.

    * colour and size: 有货 (仅剩N件 when at most LOW_STOCK), or sold out with the restock date or
      暂无补货计划, and then the same size in the colours that have it;
    * colour only: the sizes in stock and the sold-out ones; size only: the same by colour;
    * neither: what is sold out (or that everything is in stock);
    * a colour or size the product never had: the ones it has (and what can be said of the rest);
    * a colour word covering several shades (蓝色: 浅蓝色, 深蓝色): each shade on its own line.

    Args:
        shop: the loaded shop (its ``replies`` are used).
        product: the product asked about.
        color: the colour asked, canonical (``黑色``, ``浅蓝``), or None.
        size: the size asked (``M``, ``2XL``, ``31``), or None.

    Returns:
        The reply. ``facts``: ``status`` (``answered`` | ``not_offered`` | ``unknown``),
        ``product`` (id), ``colors`` (catalogue colours the colour word matched), ``size`` (the
        size label or None), ``not_offered`` (``{"color": ..., "size": ...}`` asked but not sold),
        ``variants`` (one dict per colour and size stated: color, size, status, count, restock),
        ``unknown`` (variants with no count). ``hand_off_reason`` is an ``unknown_fact`` reason when a
        count is missing.
    """
    w = _Words(shop.replies)
    colors = match_colors(product, color)
    size_label = match_size(product, size)
    facts: Dict[str, Any] = {"product": product.id, "colors": colors, "size": size_label}
    stated: List[VariantStock] = []

    if not product.stock:
        facts.update(status=UNKNOWN, variants=[], unknown=[], not_offered={})
        return Answer(w.r("lead", text=w.r("unknown", product=product.name)), facts, _stock_unknown(product))

    def get(c: str, s: str) -> VariantStock:
        variant = variant_stock(product, c, s)
        stated.append(variant)
        return variant

    lines: List[str] = []
    not_offered: Dict[str, str] = {}
    if color and not colors:
        not_offered["color"] = color
        offered = LIST_SEPARATOR.join(product.colors)
        lines.append(w.r("no_color", product=product.name, color=color, colors=offered))
    if size and not size_label:
        not_offered["size"] = str(size)
        asked, offered = w.sizes([str(size)]), w.sizes(product.sizes)
        lines.append(w.r("no_size", product=product.name, size=asked, sizes=offered))

    if len(colors) > 1:
        lines.append(w.r("family", color=color, options=LIST_SEPARATOR.join(colors)))
    if colors and size_label:
        for c in colors:
            lines.append(w.variant_line(get(c, size_label)))
        if len(colors) == 1 and stated[-1].status == SOLD_OUT:
            others = [c for c in product.colors if c != colors[0] and get(c, size_label).available]
            if others:
                others_text = LIST_SEPARATOR.join(others)
                lines.append(w.r("same_size_others", size=w.sizes([size_label]), colors=others_text))
    elif colors:
        for c in colors:
            variants = [get(c, s) for s in product.sizes]
            lines += [w.color_line(c, variants), w.low_line(variants, by="size")]
    elif size_label:
        variants = [get(c, size_label) for c in product.colors]
        lines += [w.size_line(size_label, variants), w.low_line(variants, by="color")]
    elif not not_offered:
        variants = [get(c, s) for c in product.colors for s in product.sizes]
        out = [v for v in variants if v.status == SOLD_OUT]
        if out:
            lines.append(w.r("summary_some", product=product.name, items=w.sold_items(out, by="color_size")))
        else:
            lines.append(w.r("summary_all", product=product.name))

    unknown = [v for v in stated if v.status == UNKNOWN]
    if unknown:
        lines.append(w.r("unknown", product=product.name))
    lines = [line for line in lines if line]
    lines[0] = w.r("lead", text=lines[0])
    facts.update(
        status="not_offered" if not_offered else "answered",
        not_offered=not_offered,
        variants=[v.as_fact() for v in dict.fromkeys(stated)],
        unknown=[v.as_fact() for v in unknown],
    )
    return Answer(join_lines(*lines), facts, _stock_unknown(product) if unknown else None)


def _stock_unknown(product: Product) -> HandoffReason:
    # The catalogue has no count for what was asked: a colleague checks the warehouse.
    return HandoffReason(key="unknown_fact", detail=f"{product.name}：库存")


class _Words:
    """The ``stock`` templates filled in: one line per colour, size or variant."""

    def __init__(self, replies: Any):
        self.replies = replies

    def r(self, key: str, **values: Any) -> str:
        return self.replies.render(f"stock.{key}", **values)

    def day(self, value: date) -> str:
        return self.replies.render("calendar.date", month=value.month, day=value.day)

    def sizes(self, labels: Sequence[str]) -> str:
        return size_words(self.replies, labels)

    def variant_line(self, v: VariantStock) -> str:
        size = self.sizes([v.size])
        if v.status == IN_STOCK:
            return self.r("in_stock", color=v.color, size=size)
        if v.status == LOW:
            return self.r("low_stock", color=v.color, size=size, count=v.count)
        if v.status == SOLD_OUT and v.restock:
            return self.r("sold_out_restock", color=v.color, size=size, date=self.day(v.restock))
        if v.status == SOLD_OUT:
            return self.r("sold_out", color=v.color, size=size)
        return ""  # unknown: the closing line says a colleague checks

    def sold_items(self, variants: Sequence[VariantStock], by: str) -> str:
        """Sold-out variants in words, one restock date said once (黑色S/M码（预计12月5日补货）).

        Args:
            variants: the sold-out variants.
            by: ``size`` (one colour's sizes), ``color`` (one size's colours) or ``color_size``.
        """
        groups: Dict[Tuple[Optional[str], Optional[date]], List[VariantStock]] = {}
        for v in variants:
            groups.setdefault((v.color if by == "color_size" else None, v.restock), []).append(v)
        parts = []
        for (_, restock), group in groups.items():
            sizes = self.sizes(list(dict.fromkeys(v.size for v in group)))
            if by == "size":
                label = sizes
            elif by == "color":
                label = self.r("variant_color", color=LIST_SEPARATOR.join(v.color for v in group))
            else:
                label = self.r("variant_color_size", color=group[0].color, size=sizes)
            if restock:
                parts.append(self.r("sold_item_restock", variant=label, date=self.day(restock)))
            else:
                parts.append(self.r("sold_item", variant=label))
        return LIST_SEPARATOR.join(parts)

    def color_line(self, color: str, variants: List[VariantStock]) -> str:
        known = [v for v in variants if v.status != UNKNOWN]
        out = [v for v in known if v.status == SOLD_OUT]
        have = [v.size for v in known if v.available]
        if not known:
            return ""
        if not out:
            return self.r("color_all", color=color)
        if not have:
            return self.r("color_none", color=color, items=self.sold_items(out, by="size"))
        items = self.sold_items(out, by="size")
        return self.r("color_some", color=color, in_sizes=self.sizes(have), items=items)

    def size_line(self, size: str, variants: List[VariantStock]) -> str:
        known = [v for v in variants if v.status != UNKNOWN]
        out = [v for v in known if v.status == SOLD_OUT]
        have = [v.color for v in known if v.available]
        label = self.sizes([size])
        if not known:
            return ""
        if not out:
            return self.r("size_all", size=label)
        if not have:
            return self.r("size_none", size=label, items=self.sold_items(out, by="color"))
        items = self.sold_items(out, by="color")
        return self.r("size_some", size=label, in_colors=LIST_SEPARATOR.join(have), items=items)

    def low_line(self, variants: List[VariantStock], by: str) -> str:
        low = [v for v in variants if v.status == LOW]
        if not low:
            return ""
        items = [
            self.r(
                "low_item",
                variant=self.sizes([v.size]) if by == "size" else self.r("variant_color", color=v.color),
                count=v.count,
            )
            for v in low
        ]
        return self.r("low_line", items=LIST_SEPARATOR.join(items))
