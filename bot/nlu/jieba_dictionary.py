"""Generate the jieba user dictionary (data/jieba/shop_dict.txt) from the shop data and lexicons.

Usage::

    python -m bot.nlu.jieba_dictionary --out data/jieba/shop_dict.txt
    python -m bot.nlu.jieba_dictionary --check   # exit 1 if the file is out of date

Rasa's JiebaTokenizer (``dictionary_path: data/jieba``) loads every file in that folder, so keep
nothing else there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

from bot.nlu.generated_files import write_or_check
from bot.shop import load_shop
from bot.shop.vocabulary import shop_vocabulary
from bot.text.lexicon import Lexicons, load_lexicons
from bot.text.sizes import SIZE_WORDS

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "data" / "jieba" / "shop_dict.txt"

#: Frequency given to every term. High enough that jieba keeps 顺丰 in 能发顺丰吗 and 雾霾蓝 in
#: 有雾霾蓝吗 whole (jieba's own dictionary gives 发顺丰 / 雾/霾/蓝), low enough not to split
#: ordinary words (at 200000, 漆黑的 became 漆/黑的). Segmentations were the same from 1000 to 20000.
TERM_FREQUENCY = 20000
#: jieba part-of-speech tag: other proper noun.
TERM_TAG = "nz"


#: Lexicons whose variants include phrases built on a word (宽松 -> 喜欢宽松, 宽松点; 弹力 -> 有弹力)
#: for the gazetteer to match. Only the words go to jieba: a phrase as one token would hide the word
#: it is built on from the intent classifier.
PHRASE_LEXICONS = ("garment", "fit", "attribute")
#: A term ending in one of these is a word plus a particle, which stays its own token (白/的, 厚/吗).
PARTICLES = ("的", "吗", "么", "呢", "嘛", "吧")


def dictionary_terms(vocabulary: Iterable[str], lexicons: Lexicons) -> List[str]:
    """The sorted, de-duplicated terms of the dictionary.

    Terms shorter than two characters (jieba splits single characters anyway), terms with spaces
    (jieba cannot hold them) and terms ending in a particle (白的 must stay 白/的, as annotated
    training examples mark 白; 棉的吗 must not swallow the 棉 of 纯棉) are left out. Of the garment,
    fit and attribute lexicons, a variant that holds another of two or more characters is a phrase
    and is left out too (喜欢宽松 holds 宽松). The words that only block a lexicon term (not_fits:
    不合身; not_attributes: 多长时间, 透气) are included, so jieba keeps them whole as well.

    Args:
        vocabulary: the shop's terms (``shop_vocabulary(shop)``: products, couriers, regions...).
        lexicons: the general lexicons.

    Returns:
        Terms in code-point order.
    """
    candidates = [*vocabulary, *SIZE_WORDS, *lexicons.blockers]
    for lexicon in lexicons.all():
        variants = [v.strip() for v in lexicon.variants()]
        if lexicon.entity in PHRASE_LEXICONS:
            words = [v for v in variants if len(v) >= 2]
            variants = [v for v in variants if not any(w != v and w in v for w in words)]
        candidates += variants
    terms = set()
    for term in candidates:
        term = term.strip()
        if len(term) < 2 or any(ch.isspace() for ch in term) or term.endswith(PARTICLES):
            continue
        terms.add(term)
    return sorted(terms)


def render(terms: Sequence[str]) -> str:
    """The dictionary file: one ``word freq tag`` line per term (jieba's user-dictionary format)."""
    return "".join(f"{term} {TERM_FREQUENCY} {TERM_TAG}\n" for term in terms)


def build_dictionary(shop_dir: Optional[Path] = None, lexicon_dir: Optional[Path] = None) -> str:
    """Build the dictionary text from data/shop and data/lexicon (or the given folders)."""
    vocabulary = shop_vocabulary(load_shop(shop_dir))
    return render(dictionary_terms(vocabulary, load_lexicons(lexicon_dir)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.nlu.jieba_dictionary", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="dictionary file (default: %(default)s)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file differs from what would be written"
    )
    parser.add_argument("--shop-dir", type=Path, default=None, help="shop data folder (default: data/shop)")
    parser.add_argument(
        "--lexicon-dir", type=Path, default=None, help="lexicon folder (default: data/lexicon)"
    )
    args = parser.parse_args(argv)

    text = build_dictionary(args.shop_dir, args.lexicon_dir)
    return write_or_check(args.out, text, f"python -m bot.nlu.jieba_dictionary --out {args.out}", args.check)

if __name__ == "__main__":
    sys.exit(main())
