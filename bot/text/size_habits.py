"""Whether a size in a message is the size the buyer usually wears (平时穿M), not one they ask about.

拍m还是l names two sizes to choose between; 平时穿M这件要大一码吗 names the buyer's usual size,
which the size advice uses as a tie-break. The difference is the verb phrase just before the size.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Optional, Sequence

# 平时穿 / 一般都穿 / 我之前买的 / 我穿 ... followed only by filler (的, 是, spaces) up to the size.
_HABIT_CUE = re.compile(
    r"(?:(?:平时|平常|一般|通常|日常|习惯|经常|之前|以前|其他家|别家|别的店)(?:都|也|就|是)?(?:穿|买|拍|选)"
    r"|我(?:都|也|就|一般)?穿)"
    r"(?:的|是|了){0,2}\s*$"
)
_WINDOW = 10


def usual_size(text: str, size_mentions: Iterable[Mapping[str, Any]]) -> Optional[str]:
    """The size the buyer says they usually wear, or None.

    Args:
        text: the buyer's message, e.g. ``平时穿M 这件要大一码吗``.
        size_mentions: the message's ``size`` entities as Rasa gives them (``start``, ``value``).

    Returns:
        The normalised size of the first mention that follows a habit cue, else None.
    """
    for mention in size_mentions:
        start = mention.get("start")
        if start is None:
            continue
        before = text[max(0, int(start) - _WINDOW) : int(start)]
        if _HABIT_CUE.search(before):
            return str(mention.get("value"))
    return None

_HABIT_THEN = re.compile(
    r"(?:(?:平时|平常|一般|通常|日常|习惯|经常|之前|以前|其他家|别家|别的店)(?:都|也|就|是)?(?:穿|买|拍|选)"
    r"|我(?:都|也|就|一般)?穿)(?:的|是|了){0,2}\s*(?P<size>[0-9A-Za-z]{1,4})"
)


def states_usual_size(text: str) -> bool:
    """Whether a message says what size the buyer usually wears (平时穿XL的, 我一般穿32), whatever follows."""
    return _HABIT_THEN.search(text or "") is not None


def usual_size_among(text: str, sizes: Sequence[str]) -> Optional[str]:
    """The usual size a buyer names when it is written as one of a product's own sizes without 码 (平时穿32的: the
    chinos' 32); None otherwise. The entity extractor leaves a bare 32 alone, since a number alone is no size."""
    match = _HABIT_THEN.search(text or "")
    if match is None:
        return None
    written = match["size"].upper()
    return next((size for size in sizes if size.upper() == written), None)
