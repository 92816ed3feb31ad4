"""Two products compared on what the buyer asks (哪个更暖和, 哪个便宜, 哪个容易缩水, 哪个透气), from the
catalogue: which one has more of it, and each one's own fact.

Plain logic over the catalogue. Each attribute is ranked from what the data says: prices and thickness
(薄 < 适中 < 厚 < 加厚) as they are, warmth by the temperature its sentence names (零下10度 is warmer than
零度) and then thickness, shrinking, pilling, fading and see-through by how the sentence puts it (不缩 <
缩率很小 < 会有1-2厘米缩率), care by how it may be washed (只能干洗 < 手洗 < 可机洗), a detail of
product_features.yml by whether the product's sentences say it. When the data does not tell them apart,
both facts are given and no winner is named.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence

from bot.shop.catalogue import Product
from bot.shop.fields import yuan
from bot.shop.price_quote import short_name
from bot.shop.product_facts import feature_clauses
from bot.shop.replies import Answer, join_lines
from bot.text.numerals import CN_NUMERAL_CHARS, parse_number
from bot.text.product_features import Feature
from bot.text.question_cues import ComparedOn

if TYPE_CHECKING:
    from bot.shop.loading import Shop

FACT_SEPARATOR = "；"
_THICKNESS_RANK = {"薄": 0, "适中": 1, "厚": 2, "加厚": 3}
_STRETCH_RANK = {"无弹": 0, "微弹": 1, "弹力": 2}
_THICKNESS_WORDS = {"薄": "thin", "适中": "medium", "厚": "thick", "加厚": "extra_thick"}
_STRETCH_WORDS = {"无弹": "none", "微弹": "slight", "弹力": "stretchy"}
#: The word of each attribute a sentence says "no" to (不缩, 不起球, 不掉色, 不透).
_STEMS = {"shrinking": "(?<!预)缩", "pilling": "起球|球", "fading": "掉色|褪色|浮色|落色", "see_through": "透"}
_SLIGHT = re.compile(r"一点|一些|轻微|微|少量|很小|有点|不明显")
_TEMPERATURE = re.compile(rf"(?P<below>零下)?\s*(?P<num>\d+|[{CN_NUMERAL_CHARS}]+)\s*度|零度")


def _level(sentence: Optional[str], key: str) -> Optional[float]:
    """How much of a bad thing (shrinking, pilling...) a sentence admits: 0 none, 1 a little, 2 yes; None unsaid."""
    if not sentence:
        return None
    stem = _STEMS[key]
    levels = []
    for clause in re.split(r"[，,；;。]", sentence):
        if not re.search(stem, clause):
            continue
        if re.search(rf"(?:不|不会|不容易|不易|基本不|没有)\s*(?:会)?\s*(?:{stem})", clause):
            levels.append(0.0)
        elif _SLIGHT.search(clause):
            levels.append(1.0)
        else:
            levels.append(2.0)
    return max(levels) if levels else None


def _temperature(sentence: Optional[str]) -> Optional[float]:
    """The coldest temperature a warmth sentence says the garment is worn in (零下10度 -> -10), or None."""
    if not sentence:
        return None
    if re.search(r"不保暖|不暖和|不抗寒", sentence):
        return 99.0
    found = []
    for match in _TEMPERATURE.finditer(sentence):
        if match.group(0) == "零度":
            found.append(0.0)
            continue
        value = parse_number(match["num"], digit_by_digit=False)
        if value is not None:
            found.append(-float(value) if match["below"] else float(value))
    return min(found) if found else None


def _care_ease(care: Optional[str]) -> Optional[float]:
    if not care:
        return None
    if re.search(r"只能干洗|仅干洗|只可干洗", care):
        return 0.0
    if re.search(r"(?<!不)(?<!不可)(?:可以|可|能|放心)机洗", care) and "洗衣袋" not in care:
        return 2.0
    return 1.0


def _score(product: Product, on: ComparedOn) -> Optional[float]:
    """A number that grows with the attribute (price, thickness, warmth, how much it shrinks...), or None."""
    key = on.key
    if key == "price":
        return product.price
    if key == "thickness":
        return _THICKNESS_RANK.get(product.thickness or "")
    if key == "stretch":
        return _STRETCH_RANK.get(product.stretch or "")
    if key == "warmth":
        temperature = _temperature(product.warmth)
        thickness = _THICKNESS_RANK.get(product.thickness or "", 0)
        if temperature is None:
            return None if product.thickness is None else thickness
        # Colder wearable is warmer; thickness breaks a tie.
        return -temperature * 10 + thickness
    if key == "care":
        return _care_ease(product.care)
    if key in _STEMS:
        return _level(getattr(product, key), key)
    return None


def _fact(shop: "Shop", product: Product, on: Optional[ComparedOn], feature: Optional[Feature]) -> Optional[str]:
    """The product's own words on what is compared."""
    replies = shop.replies
    if feature is not None:
        clauses = feature_clauses(product, feature)
        return "，".join(clauses) if clauses else None
    if on is None:
        return None
    key = on.key
    if key == "price":
        return replies.render("compare.price_fact", price=yuan(product.price))
    if key == "thickness":
        word = _THICKNESS_WORDS.get(product.thickness or "")
        return replies.render(f"product_facts.thickness_{word}") if word else None
    if key == "stretch":
        word = _STRETCH_WORDS.get(product.stretch or "")
        return replies.render(f"product_facts.stretch_{word}") if word else None
    if key == "warmth":
        if product.warmth:
            return product.warmth.rstrip("。～ ")
        word = _THICKNESS_WORDS.get(product.thickness or "")
        return replies.render(f"product_facts.thickness_{word}") if word else None
    if key == "care":
        return (product.care or "").rstrip("。～ ") or None
    value = getattr(product, key, None)
    return value.rstrip("。～ ") if isinstance(value, str) and value else None


def compare_products(
    shop: "Shop", products: Sequence[Product], on: Optional[ComparedOn] = None, feature: Optional[Feature] = None
) -> Answer:
    """Two products compared on one attribute or detail, as a reply.

    Args:
        shop: the loaded shop.
        products: the two products (more are cut to the first two).
        on: the attribute and the buyer's word (哪个更暖和: warmth, more).
        feature: a detail of product_features.yml instead (哪个透气: breathable).

    Returns:
        The reply; facts hold ``products`` (ids), ``on`` (attribute or detail key), ``winner`` (id or None).

    Raises:
        ValueError: fewer than two different products.
    """
    pair = list({p.id: p for p in products}.values())[:2]
    if len(pair) < 2:
        raise ValueError("a comparison needs two different products")
    replies = shop.replies
    first, second = pair
    facts: Dict[str, Any] = {"products": [p.id for p in pair],
                             "on": feature.key if feature else (on.key if on else None), "winner": None}
    names = {p.id: short_name(p) for p in pair}

    if on is not None and on.key == "price" and feature is None:
        dearer, cheaper = (first, second) if first.price >= second.price else (second, first)
        winner = dearer if on.more else cheaper
        facts["winner"] = winner.id if first.price != second.price else None
        text = replies.render(
            "compare.price" if first.price != second.price else "compare.same_price",
            winner=names[winner.id], word=on.word, dearer=names[dearer.id], cheaper=names[cheaper.id],
            dear_price=yuan(dearer.price), cheap_price=yuan(cheaper.price), diff=yuan(dearer.price - cheaper.price),
        )
        return Answer(text, facts)

    product_facts = {p.id: _fact(shop, p, on, feature) for p in pair}
    winner: Optional[Product] = None
    if feature is not None:
        said = [p for p in pair if product_facts[p.id]]
        winner = said[0] if len(said) == 1 else None
    elif on is not None:
        scores = {p.id: _score(p, on) for p in pair}
        if None not in scores.values() and scores[first.id] != scores[second.id]:
            high, low = (first, second) if scores[first.id] > scores[second.id] else (second, first)
            winner = high if on.more else low
    lines = []
    facts_line = FACT_SEPARATOR.join(
        replies.render("compare.fact", name=names[p.id], fact=product_facts[p.id] or replies.render("compare.unsaid"))
        for p in pair
    )
    if winner is not None:
        facts["winner"] = winner.id
        word = feature.better if feature is not None and feature.better else (on.word if on else "")
        lines.append(replies.render("compare.winner", winner=names[winner.id], word=word))
    else:
        lines.append(replies.render("compare.no_winner", first=names[first.id], second=names[second.id]))
    lines.append(facts_line)
    return Answer(join_lines(*lines), facts)
