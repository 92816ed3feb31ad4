"""Colour names: the canonical spelling rule and one-character colours that count only in context."""

from __future__ import annotations

import re
from typing import List, Mapping

from bot.text.mentions import PRIORITY_CONTEXT, Mention

# After one of these a bare hue is a choice of colour: 要黑, 拿白, 换成红, 改为灰.
_CHOOSING = "要拿买选换订来成为"
# A bare hue followed by a letter size or 均码 is a colour too: 黑M, 白 XL, 灰均码.
_SIZE_AFTER = r"\s?(?:[2-7]?x{0,6}[sml](?![a-z])|均码)"
_END_AFTER = r"(?:$|[\s,，。.!！?？~～、;；]|款|码)"


def canonical_color(name: str) -> str:
    """The canonical spelling of a colour not found in the lexicon.

    The rule the lexicon follows too: a one-character hue takes 色 (黑 -> 黑色), a longer name
    drops it (藏青色 -> 藏青, 雾霾蓝色 -> 雾霾蓝); a trailing 的 is dropped.

    Args:
        name: a colour as written, e.g. in the catalogue.

    Returns:
        The canonical colour name.
    """
    name = re.sub(r"\s", "", name)
    if name.endswith("的") and len(name) > 1:
        name = name[:-1]
    stem = name[:-1] if name.endswith("色") and len(name) > 1 else name
    return stem if len(stem) >= 2 else stem + "色"


def color_variants(canonical: str) -> List[str]:
    """Spellings that mean a colour: the name with and without 色, and with 的.

    Args:
        canonical: a canonical colour name (see ``canonical_color``).

    Returns:
        Variants, the canonical name first, without duplicates.
    """
    stem = canonical[:-1] if canonical.endswith("色") else canonical
    candidates = [canonical, stem, stem + "色", stem + "的", stem + "色的"]
    return list(dict.fromkeys(candidates))


def find_contextual_colors(text: str, hues: Mapping[str, str]) -> List[Mention]:
    """One-character colours that count only in context: 黑M, 白XL, 要黑, 换成白, 一黑一白.

    A bare 白 is too often part of another word (明白, 白天) to be matched alone.

    Args:
        text: the message, already half-width (see ``to_halfwidth``).
        hues: one-character colour -> canonical colour (``{"黑": "黑色"}``).

    Returns:
        Candidate colour mentions.
    """
    if not hues:
        return []
    chars = "".join(re.escape(ch) for ch in sorted(hues))
    pattern = re.compile(
        rf"(?P<c>[{chars}])(?={_SIZE_AFTER})"
        rf"|(?<=[{_CHOOSING}])(?P<d>[{chars}])(?={_END_AFTER})"
        rf"|(?<=一)(?P<e>[{chars}])(?=一[{chars}])|(?<=一[{chars}]一)(?P<f>[{chars}])",  # 一黑一白
        re.IGNORECASE,
    )
    found = []
    for match in pattern.finditer(text):
        group = next(name for name in "cdef" if match[name])
        char = match[group]
        found.append(
            Mention(match.start(group), match.end(group), "color", char, hues[char], PRIORITY_CONTEXT)
        )
    return found
