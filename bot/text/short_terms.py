"""One-character garment and attribute words (裤, 裙, 厚, 薄, 透) that count only in context.

A lone 透 is in 透气 and 透明, a lone 裤 in 裤腰 and 内裤, a lone 薄 in 薄利: matched anywhere they
would fire on half the messages that hold them. So, as one-character colours do (``bot.text.colors``),
they count only where the words around them make the reading clear:

* a garment word after a classifier or 的 (这条裤, 买两双袜, 黑色的裙), or at the end of a phrase
  (要裙还是裤);
* an attribute word after a word of degree or of worry (太薄, 很透, 会缩, 能熨, 有点厚), or before
  a question or degree particle (厚吗, 透不透, 薄一点, 缩了), or on either side of 还是 (薄还是厚).

Longer words that hold them win over them (厚度, 缩水, 裤长), and the lexicon files list the words
that hold them but mean something else (not_attributes: 透气, 透明; not_garments: 裤腰, 内裤).
"""

from __future__ import annotations

import re
from typing import List, Mapping

from bot.text.mentions import PRIORITY_CONTEXT, Mention

_END = r"(?:$|[\s,，。.!！?？~～、;；/]|[吗呢吧啊呀和或跟]|还是)"

_ATTRIBUTE_BEFORE = "太很挺好偏够不较更稍略蛮超会能要怕也都还"
_ATTRIBUTE_BEFORE_WORDS = ("有点", "有些", "比较", "特别", "非常", "可以", "这么", "那么", "还是")
_LONGEST_CUE = max(len(word) for word in _ATTRIBUTE_BEFORE_WORDS)

# entity -> (what may end just before the character, what may start just after it); either does.
_CONTEXT = {
    "garment": (re.compile(r"[条件双款套只的]$"), re.compile(_END)),
    "attribute": (
        re.compile(rf"(?:[{_ATTRIBUTE_BEFORE}]|{'|'.join(_ATTRIBUTE_BEFORE_WORDS)})$"),
        re.compile(r"[吗么嘛呢吧啊呀不的了点些]|一下|一点|还是"),
    ),
}

#: Entities whose one-character lexicon terms count in context (the others' are dropped).
CONTEXT_ENTITIES = tuple(_CONTEXT)


def find_short_terms(text: str, short_terms: Mapping[str, Mapping[str, str]]) -> List[Mention]:
    """One-character garment and attribute words in context: 这条裤, 会透吗, 太薄了.

    Args:
        text: the message, already half-width (see ``to_halfwidth``).
        short_terms: entity -> {one character: canonical value}, e.g.
            ``{"attribute": {"厚": "thickness"}}`` (``Gazetteer.short_terms``).

    Returns:
        Candidate mentions; longer words that hold them (厚度, 透气) win when overlaps are settled.
    """
    found: List[Mention] = []
    for entity, chars in short_terms.items():
        if entity not in _CONTEXT or not chars:
            continue
        before, after = _CONTEXT[entity]
        for start, char in enumerate(text):
            if char not in chars:
                continue
            # The cues before a word are one or two characters long, and Python's look-behind
            # needs a fixed width: so the text just before is searched for a cue ending at ``start``.
            if before.search(text, max(0, start - _LONGEST_CUE), start) or after.match(text, start + 1):
                found.append(Mention(start, start + 1, entity, char, chars[char], PRIORITY_CONTEXT))
    return found
