"""Cleans a raw buyer message for understanding, and says what was wrong with it (empty, HTML, too long)."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

# A buyer question is a sentence or two; past this the rest is pasted text that only slows the
# model down and drowns the question. The full text stays in the transcript.
MAX_UNDERSTOOD_CHARS = 300

_TAG = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>|<[^>]{0,200}>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CleanedMessage:
    """The text to understand, and the problems found in the raw message."""

    text: str
    problems: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when nothing is left to understand (blank, only tags, or only symbols/emoji)."""
        return "empty" in self.problems or "no_words" in self.problems


def _has_words(text: str) -> bool:
    # Letters or digits of any script (CJK ideographs are category Lo); emoji and punctuation are not.
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def clean_message(raw: str | None) -> CleanedMessage:
    """Strips markup and excess whitespace and cuts over-long messages.

    Args:
        raw: the message as the buyer sent it (may be None, blank, HTML or thousands of characters).

    Returns:
        The text to run through understanding and the list of problems found: "empty", "html",
        "too_long", "no_words" (emoji or symbols only).
    """
    problems: list[str] = []
    text = raw or ""
    if not text.strip():
        return CleanedMessage("", ["empty"])
    without_tags = _TAG.sub(" ", text)
    if without_tags != text:
        problems.append("html")
    text = _SPACE.sub(" ", html.unescape(without_tags)).strip()
    if len(text) > MAX_UNDERSTOOD_CHARS:
        problems.append("too_long")
        text = text[:MAX_UNDERSTOOD_CHARS]
    if not text:
        problems.append("empty")
    elif not _has_words(text):
        problems.append("no_words")
    return CleanedMessage(text, problems)
