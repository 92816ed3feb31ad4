"""Tells messages that carry nothing to understand: keyboard mashing, random letters, lone fillers.

A classifier always picks its likeliest intent, also for ``asdkjh qwe``; trained on real words it may
even be confident about it. Such messages are not a question about anything, so the assistant must
say it did not understand (and, the second time in a row, hand the chat to a person) instead of
answering some intent. Chinese buyers do write Latin letters: pinyin (``zaima``, ``xiexie``), English
words and abbreviations (``ok``, ``hello``, ``xl``); those are words, and are left to the classifier.

Rules, on the text after MessageGuard's cleaning:

* **gibberish**: no Chinese character, and none of its letter runs is a word. A run is a word when it
  is in the known vocabulary (the Latin words of the training examples), spells a sequence of pinyin
  syllables, or has at most two letters (ok, hi, xl, m); a run of one letter repeated (zzzz) is never
  a word. Digits alone are not gibberish (order numbers, sizes, 666).
* **filler**: nothing but hesitation sounds and particles (啊, 呃, 额, 诶, 呀, 呢...) with punctuation.
  嗯 and 哦 are not fillers: they acknowledge (affirm).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Collection, List, Optional

GIBBERISH = "gibberish"
FILLER = "filler"

_INITIALS = ["zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
             "z", "c", "s", "y", "w", ""]
_FINALS = ["a", "o", "e", "i", "u", "v", "ai", "ei", "ui", "ao", "ou", "iu", "ie", "ve", "ue", "er", "an",
           "en", "in", "un", "vn", "ang", "eng", "ing", "ong", "ia", "iao", "ian", "iang", "iong", "ua",
           "uo", "uai", "uan", "uang", "ueng", "m", "n", "ng"]
# Every initial + final pair: a few more than standard Mandarin has, which only makes the rule more
# lenient (a string that spells pinyin is never called gibberish).
PINYIN_SYLLABLES = frozenset(i + f for i in _INITIALS for f in _FINALS if i + f)
_LONGEST_SYLLABLE = max(len(s) for s in PINYIN_SYLLABLES)

_LETTER_RUN = re.compile(r"[a-z]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Hesitation sounds and bare particles: a message of only these says nothing. Not 嗯/哦/噢/好 (yes,
# ok), not 哈 (laughter is small talk), not 喂 (an opener).
FILLER_CHARACTERS = frozenset("啊阿呃额唔诶欸哎唉呀哇咦呢吧了的么嘛呐啦")


@lru_cache(maxsize=4096)
def spells_pinyin(word: str) -> bool:
    """True when the lower-case letters split into pinyin syllables (nihao, zaima, xiexie)."""
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            if reachable[start] and word[start:end] in PINYIN_SYLLABLES:
                reachable[end] = True
                break
    return reachable[-1]


def latin_words(text: str) -> List[str]:
    """The runs of Latin letters in the text, lower case (width-folded: ｏｋ -> ok)."""
    return _LETTER_RUN.findall(unicodedata.normalize("NFKC", text).lower())


def _is_word(run: str, known_words: Collection[str]) -> bool:
    if len(set(run)) == 1 and len(run) > 2:
        return False  # zzzz, aaaaa, jjjjjjj
    return run in known_words or len(run) <= 2 or spells_pinyin(run)


def _is_filler_only(text: str) -> bool:
    meaningful = [ch for ch in text if unicodedata.category(ch)[0] in ("L", "N")]
    return bool(meaningful) and all(ch in FILLER_CHARACTERS for ch in meaningful)


def not_understood_reason(text: str, known_words: Collection[str] = ()) -> Optional[str]:
    """Why the message cannot be understood at all, or None when it may mean something.

    Args:
        text: the cleaned message text.
        known_words: lower-case Latin words the assistant knows (those of its training examples).

    Returns:
        ``GIBBERISH``, ``FILLER`` or None.
    """
    if _CJK.search(text):
        return FILLER if _is_filler_only(text) else None
    runs = latin_words(text)
    if runs and not any(_is_word(run, known_words) for run in runs):
        return GIBBERISH
    return None
