"""Answers to questions about a product's details (面料, 起球, 掉色, 尺寸...) from the catalogue alone.

What the catalogue holds is said in the agent's words; what it does not hold is never guessed: the
reply says a colleague will confirm (as agents are trained to do for details the listing lacks) and
``facts["unknown"]`` names the details so the caller records why a person should follow up.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.handoff.reasons import HandoffReason
from bot.shop.catalogue import Product
from bot.shop.fields import yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.sizing import is_top
from bot.shop.stock import match_size, size_words

#: The details a buyer can ask about, as the caller names them.
ATTRIBUTES: Tuple[str, ...] = (
    "fabric",
    "pilling",
    "fading",
    "shrinking",
    "thickness",
    "see_through",
    "stretch",
    "warmth",
    "care",
    "genuine",
    "measurements",
    "workmanship",
)

#: Details stored as an agent's sentence on the product, answered as written.
_SENTENCES = ("pilling", "fading", "shrinking", "see_through", "warmth", "workmanship", "care")
_THICKNESS = {"薄": "thin", "适中": "medium", "厚": "thick", "加厚": "extra_thick"}
_STRETCH = {"无弹": "none", "微弹": "slight", "弹力": "stretchy"}

#: The two measurements that tell sizes apart at a glance, by garment (all sizes on one line).
_COMPACT = {
    "上衣": ("length", "bust"),
    "外套": ("length", "bust"),
    "裤子": ("waist", "hip"),
    "裙子": ("waist", "length"),
}
_LENGTH_LABEL = {"上衣": "length_top", "外套": "length_top", "裤子": "length_trousers", "裙子": "length_skirt"}

LIST_SEPARATOR = "、"
SIZE_SEPARATOR = "/"
#: Between the facts of one reply that answers several questions.
FACT_SEPARATOR = "；"
#: Between the sizes of the all-sizes measurement line, and inside one size of it.
TABLE_SEPARATOR = "，"
COMPACT_SEPARATOR = "/"

#: Owners end sentences with punctuation; the templates add their own (哦～).
_TRAILING = "。．.！!～~ ，,；;"


def answer_product_question(
    shop: Any, product: Product, attributes: Sequence[str], size: Optional[str] = None
) -> Answer:
    """Answer a buyer's questions about one product's details, as a reply of at most four lines.

    With no attribute: a short summary (name, price, fabric, thickness, colours, sizes). With one
    or several: each answered in one compact line; the ones the catalogue does not hold are named
    in a line saying a colleague will confirm.

    Args:
        shop: the loaded shop (its ``replies`` and the policy's ``shop.authenticity``).
        product: the product asked about.
        attributes: keys from ATTRIBUTES, e.g. ``["pilling", "fading"]``; repeats are ignored.
        size: for ``measurements``: only this size's measurements (all of them) instead of two
            key measurements of every size.

    Returns:
        The reply. ``facts``: ``product`` (id), ``attributes`` (asked, deduplicated), ``answered``
        (key -> the value stated; for measurements size -> {measurement: cm}), ``unknown`` (keys
        the catalogue does not hold, in the order asked; empty when all were answered).
        ``hand_off_reason`` is an ``unknown_fact`` reason naming them when ``unknown`` is not empty.

    Raises:
        ValueError: an attribute that is not one of ATTRIBUTES (a programming error upstream).
    """
    asked = list(dict.fromkeys(attributes))
    wrong = [key for key in asked if key not in ATTRIBUTES]
    if wrong:
        raise ValueError(f"unknown product attributes {wrong}; expected some of {ATTRIBUTES}")
    r = _Render(shop.replies)
    facts: Dict[str, Any] = {"product": product.id, "attributes": asked, "answered": {}, "unknown": []}
    if not asked:
        return Answer(_summary(r, product), facts)

    clauses: List[str] = []
    for key in asked:
        found = _fact(shop, r, product, key, size)
        if found is None:
            facts["unknown"].append(key)
        else:
            clause, value = found
            clauses.append(clause)
            facts["answered"][key] = value

    lines: List[str] = []
    if len(clauses) == 1:
        lines.append(r("one", product=product.name, fact=clauses[0]))
    elif clauses:
        lines.append(r("several", product=product.name, facts=FACT_SEPARATOR.join(clauses)))
    if facts["unknown"]:
        labels = LIST_SEPARATOR.join(r(f"label_{key}") for key in facts["unknown"])
        key = "unknown_after" if clauses else "unknown_only"
        lines.append(r(key, product=product.name, attributes=labels))
    reason = None
    if facts["unknown"]:
        # A colleague checks these facts (and adds them to the catalogue): the detail says which, in words.
        reason = HandoffReason(key="unknown_fact", detail=f"{product.name}：{labels}")
    return Answer(join_lines(*lines), facts, reason)


class _Render:
    """Fills ``product_facts`` templates; sizes are written by ``stock.size_label`` (M码, 均码)."""

    def __init__(self, replies: Any):
        self.replies = replies

    def __call__(self, key: str, **values: Any) -> str:
        return self.replies.render(f"product_facts.{key}", **values)

    def sizes(self, labels: Sequence[str]) -> str:
        return size_words(self.replies, labels)


def _clean(text: str) -> str:
    return text.strip().rstrip(_TRAILING)


def _summary(r: _Render, product: Product) -> str:
    values = {
        "name": product.name,
        "price": yuan(product.price),
        "fabric": _clean(product.fabric),
        "colors": LIST_SEPARATOR.join(product.colors),
        "sizes": SIZE_SEPARATOR.join(product.sizes),
    }
    if product.thickness:
        return r("summary", thickness=r(f"thickness_{_THICKNESS[product.thickness]}"), **values)
    return r("summary_no_thickness", **values)


def _fact(
    shop: Any, r: _Render, product: Product, key: str, size: Optional[str]
) -> Optional[Tuple[str, Any]]:
    """(clause, value stated) for one attribute, or None when the catalogue does not say."""
    if key == "fabric":
        return r("fabric", fabric=_clean(product.fabric)), product.fabric
    if key in _SENTENCES:
        value = getattr(product, key)
        return (r(key, **{key: _clean(value)}), value) if value else None
    if key == "thickness":
        if not product.thickness:
            return None
        return r(f"thickness_{_THICKNESS[product.thickness]}"), product.thickness
    if key == "stretch":
        if not product.stretch:
            return None
        return r(f"stretch_{_STRETCH[product.stretch]}"), product.stretch
    if key == "genuine":
        statement = shop.policy.shop.authenticity
        return (r("genuine", authenticity=_clean(statement)), statement) if statement else None
    return _measurements(r, product, size)


def _measurements(r: _Render, product: Product, size: Optional[str]) -> Optional[Tuple[str, Any]]:
    chart = product.size_chart or {}
    if size is not None:
        label = match_size(product, size)
        if label is None:
            clause = r("no_size", size=r.sizes([str(size)]), sizes=r.sizes(product.sizes))
            return clause, {}
        row = chart.get(label)
        if row is None:
            return None
        parts = [_measure(r, product, name, cm) for name, cm in row.measurements().items()]
        measures = LIST_SEPARATOR.join(parts)
        return r("measurements_size", size=r.sizes([label]), measures=measures), {label: row.measurements()}
    sizes = product.chart_sizes()
    if not sizes:
        return None
    wanted = _COMPACT.get(product.garment or "", ("length", "bust") if is_top(product) else ("waist", "hip"))
    table, value = [], {}
    for label in sizes:
        all_measures = chart[label].measurements()
        shown = {name: all_measures[name] for name in wanted if name in all_measures} or dict(
            list(all_measures.items())[:2]
        )
        value[label] = shown
        measures = COMPACT_SEPARATOR.join(_measure(r, product, name, cm) for name, cm in shown.items())
        table.append(r("size_measures", size=r.sizes([label]), measures=measures))
    return r("measurements_all", table=TABLE_SEPARATOR.join(table)), value


def _measure(r: _Render, product: Product, name: str, cm: float) -> str:
    key = _LENGTH_LABEL.get(product.garment or "", "length") if name == "length" else name
    number = str(int(cm)) if float(cm).is_integer() else f"{cm:g}"
    return r(f"measure_{key}") + number
