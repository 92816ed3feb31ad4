"""The span type every finder returns, and how overlapping candidate spans are resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Union

Value = Union[int, float, str]

#: Entities the finders in this package produce: the nine of the contract in shared/intents.md,
#: then garment (a garment word instead of a product name), fit (loose | fitted) and attribute
#: (the product fact asked about), found by the lexicons of data/lexicon.
ENTITY_NAMES = (
    "height",
    "weight",
    "size",
    "color",
    "product",
    "order_id",
    "courier",
    "amount",
    "region",
    "garment",
    "fit",
    "attribute",
)

# Ranks for overlapping candidates of equal length (lower wins). A unit or explicit cue beats a
# bare number; a lexicon entry (product, courier, attribute...) beats a pattern guess.
PRIORITY_EXPLICIT = 0
PRIORITY_LEXICON = 1
PRIORITY_CUE = 2
PRIORITY_CONTEXT = 3
PRIORITY_BARE = 4


@dataclass(frozen=True)
class Mention:
    """One entity mention in a message.

    Attributes:
        start: offset of the first character in the message.
        end: offset after the last character.
        entity: the entity name (``height``, ``weight``...).
        text: the message text between start and end, as written.
        value: the normalised value: height int cm, weight float kg, amount float yuan,
            the other entities a canonical string.
        priority: rank used to settle overlaps between candidates of equal length.
    """

    start: int
    end: int
    entity: str
    text: str
    value: Value
    priority: int = PRIORITY_EXPLICIT

    def overlaps(self, other: "Mention") -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def as_tuple(self) -> tuple:
        """(entity, text, value): handy in tests and logs."""
        return (self.entity, self.text, self.value)


def resolve_overlaps(candidates: Iterable[Mention]) -> List[Mention]:
    """Keep a set of non-overlapping mentions: longest first, then priority, then leftmost.

    This is the rule spaCy's ``filter_spans`` applies (longest, then leftmost), with the priority
    as a tie-break, so the spaCy pipeline and the pure-Python path agree.

    Args:
        candidates: possibly overlapping mentions.

    Returns:
        The kept mentions in text order.
    """
    kept: List[Mention] = []
    for mention in sorted(candidates, key=lambda m: (-(m.end - m.start), m.priority, m.start)):
        if not any(mention.overlaps(other) for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


_GAP = re.compile(r"[\s:：,，、=是为约有大概]*")


def preceded_by(text: str, start: int, pattern: "re.Pattern[str]", window: int = 8) -> bool:
    """Whether ``pattern`` ends just before ``start``, allowing filler such as ``：``, ``是``, spaces.

    Args:
        text: the message.
        start: where the mention starts.
        pattern: a compiled regex for the cue, e.g. ``身高|个子``.
        window: how many characters before ``start`` to look at.

    Returns:
        True if the text before ``start`` ends with the cue followed only by filler.
    """
    before = text[max(0, start - window) : start]
    return any(_GAP.fullmatch(before[match.end() :]) for match in pattern.finditer(before))
