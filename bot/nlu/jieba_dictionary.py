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


def dictionary_terms(vocabulary: Iterable[str], lexicons: Lexicons) -> List[str]:
    """The sorted, de-duplicated terms of the dictionary.

    Terms shorter than two characters (jieba splits single characters anyway), terms with spaces
    (jieba cannot hold them) and colour forms ending in 的 (白的 must stay 白/的, as annotated
    training examples mark 白) are left out.

    Args:
        vocabulary: the shop's terms (``Shop.vocabulary()``: products, couriers, regions...).
        lexicons: the general lexicons; every variant is included.

    Returns:
        Terms in code-point order.
    """
    candidates = [*vocabulary, *SIZE_WORDS]
    for lexicon in lexicons.all():
        candidates += lexicon.variants()
    terms = set()
    for term in candidates:
        term = term.strip()
        if len(term) < 2 or any(ch.isspace() for ch in term) or term.endswith("的"):
            continue
        terms.add(term)
    return sorted(terms)


def render(terms: Sequence[str]) -> str:
    """The dictionary file: one ``word freq tag`` line per term (jieba's user-dictionary format)."""
    return "".join(f"{term} {TERM_FREQUENCY} {TERM_TAG}\n" for term in terms)


def build_dictionary(shop_dir: Optional[Path] = None, lexicon_dir: Optional[Path] = None) -> str:
    """Build the dictionary text from data/shop and data/lexicon (or the given folders)."""
    from bot.shop import load_shop  # late: only the generator needs the whole shop

    vocabulary = load_shop(shop_dir).vocabulary()
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
