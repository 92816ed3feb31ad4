"""Answers to questions about a product's details (面料, 起球, 掉色, 尺寸, 含绒量, 帽子能不能收...) from the
catalogue alone.

What the catalogue holds is said in the agent's words; what it does not hold is never guessed: the
reply says a colleague will confirm (as agents are trained to do for details the listing lacks) and
``facts["unknown"]`` names the details so the caller records why a person should follow up.

Details beyond the catalogue's own fields (data/lexicon/product_features.yml) are answered from the product's
own sentences: the clauses of its fabric, description, care, fit note and detail sentences that hold one of
the words the catalogue uses for that detail. A question about one colour gets the clauses about that colour.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.handoff.reasons import HandoffReason
from bot.shop.catalogue import Product
from bot.shop.fields import yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.sizing import is_top
from bot.shop.stock import match_colors, match_size, size_words
from bot.text.product_features import Feature, feature_lexicon

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
    "colors",
    "model",
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
    shop: Any,
    product: Product,
    attributes: Sequence[str],
    size: Optional[str] = None,
    features: Sequence[Feature] = (),
    measure: Optional[str] = None,
    color: Optional[str] = None,
    question: Optional[str] = None,
    unknown_question: bool = False,
    sizes: Sequence[str] = (),
) -> Answer:
    """Answer a buyer's questions about one product's details, as a reply of at most four lines.

    With no attribute and no feature: a short summary (name, price, fabric, thickness, colours, sizes). With one
    or several: each answered in one compact line; the ones the catalogue does not hold are named
    in a line saying a colleague will confirm.

    Args:
        shop: the loaded shop (its ``replies`` and the policy's ``shop.authenticity``).
        product: the product asked about.
        attributes: keys from ATTRIBUTES, e.g. ``["pilling", "fading"]``; repeats are ignored.
        size: for ``measurements``: only this size's measurements (all of them) instead of two
            key measurements of every size.
        features: details of product_features.yml asked about (含绒量, 钻绒...), answered from the product's
            sentences; a shop-wide one (礼盒) or one no sentence holds is a question for a colleague.
        measure: one measurement of the chart (``waist``, ``thigh``...) asked about: that figure of ``size``
            (of every size without one).
        color: the colour asked about: a detail sentence about several colours is narrowed to it.
        question: the buyer's words, put on the hand-off reason when a colleague has to answer.
        unknown_question: the buyer asked about a detail nothing here could read: a colleague checks ``question``
            (no summary of the product instead of the answer).
        sizes: for ``measure`` without ``size``: only these sizes (xl和2xl衣长差多少), instead of every size.

    Returns:
        The reply. ``facts``: ``product`` (id), ``attributes`` (asked, deduplicated), ``answered``
        (key -> the value stated; for measurements size -> {measurement: cm}), ``unknown`` (keys
        the catalogue does not hold, in the order asked; empty when all were answered), ``features``.
        ``hand_off_reason`` is an ``unknown_fact`` reason naming them when ``unknown`` is not empty.

    Raises:
        ValueError: an attribute that is not one of ATTRIBUTES (a programming error upstream).
    """
    asked = list(dict.fromkeys(attributes))
    wrong = [key for key in asked if key not in ATTRIBUTES]
    if wrong:
        raise ValueError(f"unknown product attributes {wrong}; expected some of {ATTRIBUTES}")
    r = _Render(shop.replies)
    facts: Dict[str, Any] = {"product": product.id, "attributes": asked, "answered": {}, "unknown": [],
                             "features": [f.key for f in features]}
    if not asked and not features:
        if question is not None and unknown_question:
            # A precise question nothing in the data answers: said honestly, and a colleague checks it.
            facts["unknown"] = ["question"]
            return Answer(r("unknown_question", product=product.name), facts,
                          HandoffReason(key="unknown_fact", detail=f"{product.name}：{question}"))
        return Answer(_summary(r, product), facts)

    clauses: List[str] = []
    labels: List[str] = []
    said: List[str] = []
    for feature in features:
        found = [] if feature.shop_wide else feature_clauses(product, feature, color)
        if found and all(clause in said for clause in found):
            facts["answered"][feature.key] = found  # 充绒量多少克: the 克 of 克重 is the same clause, said once
            continue
        said.extend(found)
        if found:
            clauses.append(CLAUSE_SEPARATOR.join(found))
            facts["answered"][feature.key] = found
        else:
            facts["unknown"].append(feature.key)
            labels.append(feature.label)
    for key in asked:
        if features and key in _COVERED_BY_FEATURES:
            continue  # 能熨吗: the care sentence's clause about ironing, not the whole care sentence
        found = _fact(shop, r, product, key, size, measure, color, sizes)
        if found is None:
            facts["unknown"].append(key)
            labels.append(r(f"label_{key}"))
        else:
            clause, value = found
            clauses.append(clause)
            facts["answered"][key] = value

    lines: List[str] = []
    if len(clauses) == 1:
        lines.append(r("one", product=product.name, fact=clauses[0]))
    elif clauses:
        lines.append(r("several", product=product.name, facts=FACT_SEPARATOR.join(clauses)))
    reason = None
    if facts["unknown"]:
        words = LIST_SEPARATOR.join(dict.fromkeys(labels))
        key = "unknown_after" if clauses else "unknown_only"
        lines.append(r(key, product=product.name, attributes=words))
        # A colleague checks (and adds it to the catalogue): the ticket says exactly what the buyer asked.
        reason = HandoffReason(key="unknown_fact", detail=f"{product.name}：{question or words}")
    return Answer(join_lines(*lines), facts, reason)


def answer_shop_wide_question(shop: Any, features: Sequence[Feature], question: str) -> Answer:
    """Shop-wide details no data answers (价保, 礼盒) asked with no product in view: a colleague checks them, and the
    ticket carries the buyer's words."""
    r = _Render(shop.replies)
    labels = LIST_SEPARATOR.join(dict.fromkeys(f.label for f in features))
    facts = {"product": None, "attributes": [], "answered": {}, "unknown": [f.key for f in features],
             "features": [f.key for f in features]}
    return Answer(r("unknown_only", product="", attributes=labels), facts,
                  HandoffReason(key="unknown_fact", detail=f"{labels}：{question}"))


#: Whether a garment is long or short enough for the buyer (我150会不会拖地, 165穿会不会短): asked with a size.
_ASKS_LENGTH = re.compile(r"拖地|太长|会不会长|长不长|多长|长度|到哪|到脚踝|到膝盖|到小腿|盖过|盖住|裤长|裙长|衣长|"
                          r"会不会短|太短|短不短")
LENGTH_FEATURE = "length_style"


def answer_length_question(shop: Any, product: Product, text: str) -> Optional[Answer]:
    """The product's length (each size's figure, and how long it wears, 到小腿) when a message asks whether it
    is long or short enough; None when it does not ask that or the catalogue says nothing of its length."""
    if not _ASKS_LENGTH.search(text or ""):
        return None
    features = [f for f in feature_lexicon().features.values() if f.key == LENGTH_FEATURE]
    features = [f for f in features if feature_clauses(product, f)]
    answer = answer_product_question(shop, product, ["measurements"], features=features, measure="length")
    return answer if not answer.facts["unknown"] else None


#: Attributes a feature answers more precisely when both are read from one message (熨 is care and iron).
_COVERED_BY_FEATURES = ("care",)
#: Between the clauses of one product sentence that answer one detail.
CLAUSE_SEPARATOR = "，"
_CLAUSE_SPLIT = re.compile(r"[，,；;。！!？?]")
#: A clause that continues the one before it (帽绳两头有金属扣，不会缩进去): said together.
_CONTINUES = re.compile(r"^(?:不|没|也|就|都|所以|基本|一般|只要|建议|而且|但)")


def product_sentences(product: Product) -> List[str]:
    """The product's own sentences a detail can be answered from, most descriptive first (the name last)."""
    fields = [product.description, product.fabric, product.workmanship, product.care, product.pilling,
              product.fading, product.shrinking, product.see_through, product.warmth,
              product.fit.note if product.fit else None]
    return [text for text in fields if text]


def _clauses(sentence: str) -> List[str]:
    return [part.strip() for part in _CLAUSE_SPLIT.split(sentence) if part.strip()]


#: A detail is answered in a few clauses; more would be the block the buyer did not ask for.
MAX_CLAUSES = 2


def feature_clauses(product: Product, feature: Feature, color: Optional[str] = None) -> List[str]:
    """The clauses of the product's sentences that say something about a detail (at most MAX_CLAUSES, each
    with a clause that continues it), narrowed to one colour's clauses when ``color`` is asked; the product's
    name answers only when no sentence does (五双装)."""
    found: List[str] = []
    for sentence in [*product_sentences(product), product.name]:
        if found and sentence == product.name:
            break
        parts = _clauses(sentence)
        for i, part in enumerate(parts):
            if not any(word in part for word in feature.answered_by):
                continue
            if any(part in kept or kept in part for kept in found):
                continue  # 防风面料 and 防风面料表面光滑 say it once
            if len([c for c in found if not _CONTINUES.match(c)]) >= MAX_CLAUSES:
                break
            found.append(part)
            if i + 1 < len(parts) and _CONTINUES.match(parts[i + 1]):
                found.append(parts[i + 1])
    found = list(dict.fromkeys(found))
    return _for_color(product, found, color) if color else found


def _mentions_color(clause: str, colors: Sequence[str]) -> bool:
    return any(c in clause or c.rstrip("色") in clause for c in colors)


def _for_color(product: Product, clauses: List[str], color: str) -> List[str]:
    """The clauses about one colour when the sentence speaks of several (卡其色头两次洗会有一点浮色); else all."""
    asked = match_colors(product, color)
    if not asked:
        return clauses
    names = list(product.colors)
    mentions = _mentions_color
    if not any(mentions(clause, names) for clause in clauses):
        return clauses
    kept: List[str] = []
    keep_next = False
    for clause in clauses:
        if mentions(clause, asked):
            kept.append(clause)
            keep_next = True
        elif keep_next and not mentions(clause, names) and not re.search(r"其他|另外|别的", clause):
            kept.append(clause)
        else:
            keep_next = False
    if kept:
        return kept
    others = [clause for clause in clauses if re.search(r"其他|另外|别的|其余", clause)]
    return others or clauses


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
    shop: Any, r: _Render, product: Product, key: str, size: Optional[str], measure: Optional[str] = None,
    color: Optional[str] = None, sizes: Sequence[str] = (),
) -> Optional[Tuple[str, Any]]:
    """(clause, value stated) for one attribute, or None when the catalogue does not say."""
    if key == "fabric":
        return r("fabric", fabric=_clean(product.fabric)), product.fabric
    if key in _SENTENCES:
        value = getattr(product, key)
        if not value:
            return None
        if color and key != "care":
            narrowed = _for_color(product, _clauses(value), color)
            fact = r(key, **{key: CLAUSE_SEPARATOR.join(narrowed)})
            asked = match_colors(product, color)
            if asked and not any(_mentions_color(clause, asked) for clause in narrowed):
                # Nothing said of this colour alone: what is said of the product holds for it (粉色的呢).
                fact = r("for_color", color=asked[0], fact=fact)
            return fact, value
        return r(key, **{key: _clean(value)}), value
    if key == "colors":
        return r("colors", colors=LIST_SEPARATOR.join(product.colors), count=len(product.colors)), product.colors
    if key == "model":
        model = product.model_wears
        if model is None:
            return None
        return r("model", height=_number(model.height_cm), weight=_number(model.weight_kg),
                 size=r.sizes([model.size])), model.dict()
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
    return _measurements(r, product, size, measure, sizes)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _measurements(
    r: _Render, product: Product, size: Optional[str], measure: Optional[str] = None, sizes: Sequence[str] = ()
) -> Optional[Tuple[str, Any]]:
    chart = product.size_chart or {}
    if measure is not None:
        # 腰围多少 / M码大腿围呢: that one figure, of the size asked (of every size without one, or of the
        # sizes named: xl和2xl衣长差多少).
        label = match_size(product, size) if size is not None else None
        if size is not None and label is None:
            return r("no_size", size=r.sizes([str(size)]), sizes=r.sizes(product.sizes)), {}
        named = [lab for lab in (match_size(product, s) for s in sizes) if lab]
        labels = [label] if label else (named if len(named) > 1 else product.chart_sizes())
        rows = {lab: chart[lab] for lab in labels if lab in chart}
        shown = {lab: row.measurements()[measure] for lab, row in rows.items() if measure in row.measurements()}
        if not shown:
            return None
        if len(shown) == 1:
            (lab, cm), = shown.items()
            return r("measure_one", size=r.sizes([lab]), name=_measure(r, product, measure, None),
                     cm=_number(cm)), {lab: {measure: cm}}
        table = TABLE_SEPARATOR.join(r("size_measures", size=r.sizes([lab]), measures=_number(cm))
                                     for lab, cm in shown.items())
        return r("measure_all", name=_measure(r, product, measure, None), table=table), {
            lab: {measure: cm} for lab, cm in shown.items()}
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


def _measure(r: _Render, product: Product, name: str, cm: Optional[float]) -> str:
    """A measurement's name for this garment (衣长, 裤长...), followed by its figure when given."""
    key = _LENGTH_LABEL.get(product.garment or "", "length") if name == "length" else name
    return r(f"measure_{key}") + ("" if cm is None else _number(cm))
