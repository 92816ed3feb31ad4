"""Recommending one or two products from the catalogue for what a buyer wants, and saying why.

Only products of the catalogue are ever named. The buyer's wishes come as arguments (from NLU
entities) or are read from their words with the owner's cue words (``recommendation_cues`` in
catalogue.yml: 送男朋友 -> 男 + 送礼, 上班穿 -> 通勤, 200以内 -> budget 200).

Choosing, like an agent choosing between styles: who wears it (男/女; unisex fits both) and the
kind of garment are never bent; the occasions, colour and budget are. Products meeting every wish
come in catalogue order (the owner lists best sellers first); a colour sold out in every size does
not count as offered. When none meets every wish, the single closest is offered with what it
misses: fewest misses (each occasion tag counts), then over budget by least.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

from bot.shop.catalogue import GARMENTS, Catalogue, Product, RecommendationCues, load_catalogue
from bot.shop.data_files import CATALOGUE_FILE, DEFAULT_SHOP_DIR
from bot.shop.fields import as_amount, yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.stock import match_colors
from bot.text.numerals import NUMBER_PATTERN, parse_number, to_halfwidth

if TYPE_CHECKING:
    from bot.shop.loading import Shop

#: At most this many products are recommended at once (two to compare; more is a catalogue).
MAX_RECOMMENDED = 2

LIST_SEPARATOR = "、"
REASON_SEPARATOR = "，"

_CURRENCY = r"(?:元|块钱|块|rmb)?"


@dataclass(frozen=True)
class Recommendation:
    """One product recommended, and why.

    Attributes:
        product: the product.
        reasons: what it matches, in reply order: ``occasion`` (the tags matched, a list),
            ``color`` (the catalogue colour), ``budget`` (the budget it is within), ``gender``.
        misses: for the closest product when none matches everything: ``budget`` (yuan over),
            ``color`` (the colour it lacks), ``occasion`` (the tags it lacks).
    """

    product: Product
    reasons: Dict[str, Any] = field(default_factory=dict)
    misses: Dict[str, Any] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        """Whether it meets every wish."""
        return not self.misses


def recommendation_request(text: str, catalogue: Optional[Catalogue] = None) -> Dict[str, Any]:
    """Read what a buyer wants recommended from their words, with the catalogue's cue words.

    Args:
        text: the buyer's message, e.g. ``想送男朋友一件冬天穿的外套，500以内``.
        catalogue: whose ``recommendation_cues`` to use; by default the repository's catalogue,
            read once on first use.

    Returns:
        Only the wishes found: ``occasion`` (list of tags, in the cue file's order), ``gender``
        (``男``/``女``; absent when both are named), ``garment`` (the first mentioned), ``budget``
        (yuan, float). E.g. ``{"occasion": ["保暖", "送礼"], "gender": "男", "garment": "外套",
        "budget": 500.0}``.
    """
    cues = (catalogue if catalogue is not None else _default_catalogue()).recommendation_cues
    if cues is None or not text:
        return {}
    message = to_halfwidth(text).lower()
    request: Dict[str, Any] = {}
    occasions = [tag for tag, words in cues.occasions.items() if _mentions(message, words)]
    if occasions:
        request["occasion"] = occasions
    genders = [gender for gender, words in cues.genders.items() if _mentions(message, words)]
    if len(genders) == 1:
        request["gender"] = genders[0]
    garment = _first_garment(message, cues)
    if garment:
        request["garment"] = garment
    budget = _budget(message, cues)
    if budget is not None:
        request["budget"] = budget
    return request


def recommend_products(
    catalogue: Catalogue,
    *,
    occasion: Union[str, Sequence[str], None] = None,
    color: Optional[str] = None,
    budget: Union[float, str, None] = None,
    gender: Optional[str] = None,
    garment: Optional[str] = None,
    text: str = "",
) -> List[Recommendation]:
    """Pick up to MAX_RECOMMENDED products for a buyer's wishes (see the module docstring).

    Args:
        catalogue: the catalogue.
        occasion: a tag (``通勤``) or several; a product meets the wish when it has all of them.
        color: a colour, canonical (``黑色``, ``蓝色`` matches 浅蓝色 and 深蓝色); sold out in every
            size counts as not having it.
        budget: the most the buyer will pay, yuan (``200`` or ``"200"``).
        gender: ``男`` or ``女`` (``男生``, ``女款`` also do); 中性 products suit both.
        garment: one of GARMENTS or a buyer word for one (``大衣`` -> 外套).
        text: the buyer's words; wishes read from it fill the arguments left None.

    Returns:
        The products meeting every wish (at most MAX_RECOMMENDED, best first); else the single
        closest, with its ``misses``; empty when no wish was given, or when no product is of that
        garment for that gender at all.

    Raises:
        ValueError: a garment that is neither a garment nor a cue word for one; a bad budget.
    """
    wishes = _wishes(catalogue, occasion, color, budget, gender, garment, text)
    return _recommend(catalogue, wishes)


def answer_recommendation(
    shop: "Shop",
    *,
    occasion: Union[str, Sequence[str], None] = None,
    color: Optional[str] = None,
    budget: Union[float, str, None] = None,
    gender: Optional[str] = None,
    garment: Optional[str] = None,
    text: str = "",
    cheaper_than: Optional[float] = None,
) -> Answer:
    """Recommend products as a reply (at most four lines) from the ``recommendation`` templates.

    Args: as ``recommend_products``, with the loaded shop instead of the catalogue; and ``cheaper_than``: the
        price of the cheapest product recommended before, when the buyer asks for cheaper ones (有便宜点的吗):
        a budget just under it, said as "cheaper than before", never as a budget the buyer gave.

    Returns:
        The reply. ``facts``: ``status`` (``matched`` | ``closest`` | ``no_match`` | ``ask``),
        ``products`` (ids recommended), ``wishes`` (occasion list, color, budget, gender, garment
        used), ``reasons`` and ``misses`` (product id -> dict, as in Recommendation).
    """
    replies = shop.replies

    def r(key: str, **values: Any) -> str:
        return replies.render(f"recommendation.{key}", **values)

    stated = as_amount(budget) if budget not in (None, "") else None
    below = cheaper_than is not None and (stated is None or stated >= cheaper_than)
    if below:
        budget = float(cheaper_than) - 0.01
    wishes = _wishes(shop.catalogue, occasion, color, budget, gender, garment, text)
    if below:
        wishes["cheaper_than"] = float(cheaper_than)
    found = _recommend(shop.catalogue, wishes)
    facts: Dict[str, Any] = {
        "wishes": wishes,
        "products": [rec.product.id for rec in found],
        "reasons": {rec.product.id: rec.reasons for rec in found},
        "misses": {rec.product.id: rec.misses for rec in found},
    }
    if not any(wishes.values()):
        return Answer(r("ask"), {**facts, "status": "ask"})
    if not found:
        if wishes["gender"] and wishes["garment"]:
            first = r("no_match_gender_garment", gender=wishes["gender"], garment=wishes["garment"])
        elif wishes["garment"]:
            first = r("no_match_garment", garment=wishes["garment"])
        else:
            first = r("no_match")
        return Answer(join_lines(first, r("ask")), {**facts, "status": "no_match"})
    exact = found[0].exact
    intro = r("intro_one" if len(found) == 1 else "intro_two") if exact else r("closest")
    items = [_item(r, rec, wishes) for rec in found]
    status = "matched" if exact else "closest"
    return Answer(join_lines(intro, *items, r("closing")), {**facts, "status": status})


# -- choosing ----------------------------------------------------------------------------------


def _wishes(
    catalogue: Catalogue,
    occasion: Union[str, Sequence[str], None],
    color: Optional[str],
    budget: Union[float, str, None],
    gender: Optional[str],
    garment: Optional[str],
    text: str,
) -> Dict[str, Any]:
    heard = recommendation_request(text, catalogue) if text else {}
    occasions = [occasion] if isinstance(occasion, str) else list(occasion or [])
    cues = catalogue.recommendation_cues
    return {
        "occasion": [o for o in occasions if o] or heard.get("occasion", []),
        "color": color or None,
        "budget": as_amount(budget) if budget not in (None, "") else heard.get("budget"),
        "gender": _gender(gender) or heard.get("gender"),
        "garment": _garment(garment, cues) if garment else heard.get("garment"),
    }


def _gender(value: Optional[str]) -> Optional[str]:
    text = (value or "").strip()
    return text[0] if text[:1] in ("男", "女") else None


def _garment(value: str, cues: Optional[RecommendationCues]) -> str:
    word = value.strip()
    if word in GARMENTS:
        return word
    found = _first_garment(to_halfwidth(word).lower(), cues) if cues else None
    if found is None:
        raise ValueError(f"unknown garment {value!r}; expected one of {GARMENTS} or a cue word for one")
    return found


def _recommend(catalogue: Catalogue, wishes: Dict[str, Any]) -> List[Recommendation]:
    if not any(wishes.values()):
        return []
    pool = [
        (index, product)
        for index, product in enumerate(catalogue.products)
        if (not wishes["garment"] or product.garment == wishes["garment"])
        and (not wishes["gender"] or product.gender in (wishes["gender"], "中性"))
    ]
    judged = [(index, _judge(product, wishes)) for index, product in pool]
    exact = [rec for _, rec in judged if rec.exact]
    if exact:
        return exact[:MAX_RECOMMENDED]
    if not judged:
        return []
    judged.sort(key=lambda item: (_miss_count(item[1]), item[1].misses.get("budget", 0.0), item[0]))
    return [judged[0][1]]


def _miss_count(rec: Recommendation) -> int:
    """Wishes missed; each occasion missed counts (冬天 and 送礼: a gift that is not warm misses one)."""
    return sum(len(value) if key == "occasion" else 1 for key, value in rec.misses.items())


def _judge(product: Product, wishes: Dict[str, Any]) -> Recommendation:
    reasons: Dict[str, Any] = {}
    misses: Dict[str, Any] = {}
    if wishes["occasion"]:
        matched = [tag for tag in wishes["occasion"] if tag in product.occasions]
        missing = [tag for tag in wishes["occasion"] if tag not in product.occasions]
        if matched:
            reasons["occasion"] = matched
        if missing:
            misses["occasion"] = missing
    if wishes["color"]:
        colors = [c for c in match_colors(product, wishes["color"]) if _on_sale(product, c)]
        if colors:
            reasons["color"] = colors[0]
        else:
            misses["color"] = wishes["color"]
    if wishes["budget"] is not None:
        if product.price <= wishes["budget"]:
            reasons["budget"] = wishes["budget"]
        else:
            misses["budget"] = product.price - wishes["budget"]
    if wishes["gender"]:
        reasons["gender"] = product.gender
    return Recommendation(product, reasons, misses)


def _on_sale(product: Product, color: str) -> bool:
    """Whether some size of a colour can be bought (true when the catalogue gives no stock)."""
    if not product.stock or color not in product.stock:
        return True
    return any(count > 0 for count in product.stock[color].values())


# -- the reply ---------------------------------------------------------------------------------


def _item(r: Any, rec: Recommendation, wishes: Dict[str, Any]) -> str:
    product = rec.product
    parts: List[str] = []
    if "occasion" in rec.reasons:
        parts.append(r("reason_occasion", occasion=LIST_SEPARATOR.join(rec.reasons["occasion"])))
    if "color" in rec.reasons:
        parts.append(r("reason_color", color=rec.reasons["color"]))
    than = wishes.get("cheaper_than")
    if "budget" in rec.reasons:
        parts.append(r("reason_cheaper", than=yuan(than)) if than else
                     r("reason_budget", budget=yuan(rec.reasons["budget"])))
    if "gender" in rec.reasons:
        key = "reason_unisex" if rec.reasons["gender"] == "中性" else "reason_gender"
        parts.append(r(key, gender=wishes["gender"]))
    if "budget" in rec.misses:
        parts.append(r("miss_cheaper", than=yuan(than)) if than else
                     r("miss_budget", budget=yuan(wishes["budget"]), over=yuan(rec.misses["budget"])))
    if "color" in rec.misses:
        parts.append(r("miss_color", color=rec.misses["color"], colors=LIST_SEPARATOR.join(product.colors)))
    if "occasion" in rec.misses:
        parts.append(r("miss_occasion", occasion=LIST_SEPARATOR.join(rec.misses["occasion"])))
    values = {"name": product.name, "short": product.aliases[0] if product.aliases else product.name,
              "price": yuan(product.price)}
    if parts:
        return r("item", reasons=REASON_SEPARATOR.join(parts), **values)
    return r("item_plain", **values)


# -- reading the buyer's words -----------------------------------------------------------------


def _mentions(message: str, words: Sequence[str]) -> bool:
    return any(word.lower() in message for word in words)


def _first_garment(message: str, cues: RecommendationCues) -> Optional[str]:
    """The garment whose cue word comes first in the message, ignoring words inside longer ones.

    衬衫裙 is a skirt even if 衬衫 were a cue for tops, and 裤 inside 牛仔裤 is not a second mention.
    """
    hits: List[Tuple[int, int, str]] = []
    for garment, words in cues.garments.items():
        for word in words:
            start = message.find(word.lower())
            if start >= 0:
                hits.append((start, start + len(word), garment))
    kept = [
        hit for hit in hits
        if not any(o[0] <= hit[0] and hit[1] <= o[1] and o[1] - o[0] > hit[1] - hit[0] for o in hits)
    ]
    return min(kept)[2] if kept else None


def _budget(message: str, cues: RecommendationCues) -> Optional[float]:
    number = rf"(?P<num>{NUMBER_PATTERN})\s*{_CURRENCY}"
    patterns = []
    if cues.budget_before:
        before = "|".join(re.escape(w.lower()) for w in sorted(cues.budget_before, key=len, reverse=True))
        patterns.append(rf"(?:{before})\s*(?:是|在|为)?\s*{number}")
    if cues.budget_after:
        after = "|".join(re.escape(w.lower()) for w in sorted(cues.budget_after, key=len, reverse=True))
        low = rf"(?:{NUMBER_PATTERN}\s*{_CURRENCY}\s*(?:-|~|到|至)\s*)?"  # 200-300以内: the top counts
        patterns.append(rf"{low}{number}\s*(?:{after})")
    for pattern in patterns:
        for match in re.finditer(pattern, message):
            value = parse_number(match["num"], digit_by_digit=False)
            if value is not None and value > 0:
                return float(value)
    return None


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return load_catalogue(DEFAULT_SHOP_DIR / CATALOGUE_FILE)
