"""Finding every entity of shared/intents.md in a buyer's message, normalised, in pure Python."""

from __future__ import annotations

import dataclasses
from typing import Collection, Iterable, List, Mapping, Optional

from bot.text.body import (
    find_bare_heights,
    find_explicit_heights,
    find_explicit_weights,
    find_unitless_weights,
)
from bot.text.colors import find_contextual_colors
from bot.text.lexicon import BLOCK, Gazetteer
from bot.text.mentions import Mention, resolve_overlaps
from bot.text.money import find_amounts
from bot.text.numerals import to_halfwidth
from bot.text.orders import find_order_ids
from bot.text.short_terms import find_short_terms
from bot.text.sizes import find_sizes


def find_pattern_mentions(
    text: str,
    hues: Optional[Mapping[str, str]] = None,
    short_terms: Optional[Mapping[str, Mapping[str, str]]] = None,
) -> List[Mention]:
    """Candidates found by patterns rather than lexicons: height, weight, size, amount, order_id and
    one-character colours, garment and attribute words in context.

    Args:
        text: the message as written (full-width digits and letters are fine).
        hues: one-character colour -> canonical colour, for ``黑M`` and ``要白``.
        short_terms: entity -> {one character: canonical value}, for ``这条裤`` and ``会透吗``.

    Returns:
        Candidate mentions, possibly overlapping; ``text`` of each is the original spelling.
    """
    narrow = to_halfwidth(text)
    found: List[Mention] = []
    sizes = find_sizes(narrow)
    found += sizes
    found += find_order_ids(narrow)
    found += find_amounts(narrow)
    found += find_contextual_colors(narrow, hues or {})
    found += find_short_terms(narrow, short_terms or {})
    heights = find_explicit_heights(narrow)
    weights = find_explicit_weights(narrow)
    heights += find_bare_heights(narrow, weights, sizes)
    weights += find_unitless_weights(narrow, resolve_overlaps(heights))
    found += heights + weights
    return [dataclasses.replace(m, text=text[m.start : m.end]) for m in found]


def combine_mentions(
    text: str,
    lexical: Iterable[Mention],
    hues: Optional[Mapping[str, str]] = None,
    entities: Optional[Collection[str]] = None,
    short_terms: Optional[Mapping[str, Mapping[str, str]]] = None,
) -> List[Mention]:
    """Merge lexicon matches with pattern candidates into one non-overlapping list.

    The spaCy component calls this with the EntityRuler's entities as ``lexical``, so both
    paths settle overlaps the same way.

    Args:
        text: the message as written.
        lexical: lexicon matches, already free of overlaps among themselves.
        hues: one-character colour -> canonical colour.
        entities: only keep these entities (None keeps all).
        short_terms: entity -> {one character: canonical value} (裤, 厚, 透), counted in context.

    Returns:
        Mentions in text order.
    """
    wanted = (lambda name: True) if entities is None else (lambda name: name in entities)
    candidates = [
        m
        for m in [*lexical, *find_pattern_mentions(text, hues, short_terms)]
        if m.entity == BLOCK or wanted(m.entity)
    ]
    kept = [_trim_particle(m) for m in resolve_overlaps(candidates) if m.entity != BLOCK]
    return [dataclasses.replace(m, text=text[m.start : m.end]) for m in kept]


#: Entities whose lexicon spellings may end in 的 (白的, 宽松的) while the entity itself does not.
_PARTICLE_TRIMMED = ("color", "fit")


def _trim_particle(mention: Mention) -> Mention:
    # 白的 / 黑色的 / 宽松的 match, but the entity is 白 / 黑色 / 宽松: the span then matches
    # jieba's tokens (白/的), which is what annotated training examples mark.
    if mention.entity in _PARTICLE_TRIMMED and mention.text.endswith("的") and len(mention.text) > 1:
        return dataclasses.replace(mention, end=mention.end - 1)
    return mention


def extract_entities(
    text: str, gazetteer: Optional[Gazetteer] = None, entities: Optional[Collection[str]] = None
) -> List[Mention]:
    """Find and normalise the entity mentions of a message.

    Args:
        text: the buyer's message, e.g. ``我165 100斤穿什么码``.
        gazetteer: lexicon and catalogue terms (products, couriers, regions, colours, garments,
            fits, attributes); without it only the pattern entities are found.
        entities: only return these entities (None returns all).

    Returns:
        Non-overlapping mentions in text order, e.g. height 165 and weight 50.0.
    """
    if not text:
        return []
    lexical = resolve_overlaps(gazetteer.find(to_halfwidth(text))) if gazetteer else []
    hues = gazetteer.hues if gazetteer else None
    short_terms = gazetteer.short_terms if gazetteer else None
    return combine_mentions(text, lexical, hues, entities, short_terms)
