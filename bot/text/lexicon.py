"""The general lexicons (data/lexicon/*.yml) and a gazetteer that finds their terms and the catalogue's.

Each lexicon file maps a canonical value to the other ways buyers write it::

    couriers:
      顺丰: [顺丰快递, 顺丰速运, SF]

The canonical value is a variant of itself, unless it is a lower-case identifier (``loose``,
``see_through``): such a key names a value and is found only through its variants. Each file may
also list words that contain a term but mean something else (``not_colors``: 明白 holds 白的;
``not_couriers``: 京东e卡; ``not_regions``: 北京时间; ``not_attributes``: 透气 holds 透): they
only stop the shorter term from matching.

One-character terms are too often part of other words to match alone: colours (黑, 白) and
garment and attribute words (裤, 厚, 透) count only in context (``bot.text.colors`` and
``bot.text.short_terms``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar

import yaml

from bot.text.colors import canonical_color, color_variants
from bot.text.mentions import PRIORITY_LEXICON, Mention
from bot.text.numerals import to_halfwidth
from bot.text.short_terms import CONTEXT_ENTITIES

#: The repository's data/lexicon, found from this file's place (bot/text/lexicon.py), never the cwd.
DEFAULT_LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicon"

#: Lexicon files: file name -> (top-level key, entity).
LEXICON_FILES = {
    "colors.yml": ("colors", "color"),
    "couriers.yml": ("couriers", "courier"),
    "regions.yml": ("regions", "region"),
    "garments.yml": ("garments", "garment"),
    "fits.yml": ("fits", "fit"),
    "product_attributes.yml": ("attributes", "attribute"),
}
#: A label carried through ``longest_matches``.
T = TypeVar("T")
#: Entity label of a term that only stops another term from matching (明白 stops 白的).
BLOCK = "_block"


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


@dataclass(frozen=True)
class Lexicon:
    """Canonical values of one entity and their variants."""

    entity: str
    entries: Mapping[str, Tuple[str, ...]]

    def variants(self) -> List[str]:
        """Every spelling of every value, canonical names included (not value keys), in file order."""
        return [variant for variants in self.entries.values() for variant in variants]

    def canonical(self, text: str) -> Optional[str]:
        """The canonical value written as ``text`` (case and spaces ignored), or None."""
        key = _key(text)
        for canonical, variants in self.entries.items():
            if any(_key(variant) == key for variant in variants):
                return canonical
        return None


@dataclass(frozen=True)
class Lexicons:
    """All general lexicons."""

    colors: Lexicon
    couriers: Lexicon
    regions: Lexicon
    garments: Lexicon
    fits: Lexicon
    attributes: Lexicon
    #: Words that hold a term but are not that entity (明白, 京东e卡, 北京时间), from every file.
    blockers: Tuple[str, ...] = ()

    def all(self) -> List[Lexicon]:
        """The lexicons in a fixed order: the order in which they claim a spelling in the gazetteer."""
        return [self.couriers, self.regions, self.colors, self.garments, self.fits, self.attributes]

    def normalise_color(self, name: str) -> str:
        """Canonical colour for a colour name: the lexicon's, else ``canonical_color``'s rule."""
        return self.colors.canonical(name) or canonical_color(name)


#: Canonical values written as lower-case identifiers (loose, see_through) are not spellings.
_VALUE_KEY = re.compile(r"[a-z]+(?:_[a-z]+)*")


def _key(text: str) -> str:
    return "".join(text.split()).lower()


def read_lexicon_file(path: Path, key: str, shape: str, error: Type[ValueError] = LexiconError) -> dict:
    """One data/lexicon YAML file, whose top level must map ``key`` to a mapping (``shape`` says which, for
    the message); ``error`` is raised, naming the file, when it is missing, not YAML or not of that shape."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise error(f"{path}: expected a top-level mapping '{key}: {shape}'")
    return data


def fold(text: str) -> str:
    """A message as lexicon words are matched in it: half-width, lower-case, without whitespace."""
    return "".join(to_halfwidth(text or "").split()).lower()


def longest_matches(text: str, words: Iterable[Tuple[str, T]]) -> List[Tuple[int, T]]:
    """Where lexicon words occur in a message, as (start, label) in order of mention.

    Words are matched folded (``fold``), longest first; a stretch of the message matched once is not matched
    again by a shorter word inside it. Among words of one length, the order given wins (a label of a word
    that only blocks shorter ones is returned too, for the caller to drop).
    """
    message = fold(text)
    taken = [False] * len(message)
    hits: List[Tuple[int, T]] = []
    for word, label in sorted(words, key=lambda pair: -len(pair[0])):
        key = fold(word)
        start = message.find(key) if key else -1
        while start >= 0:
            end = start + len(key)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                hits.append((start, label))
            start = message.find(key, start + 1)
    return sorted(hits, key=lambda hit: hit[0])


def _read_mapping(path: Path, key: str) -> Tuple[Dict[str, Tuple[str, ...]], dict]:
    data = read_lexicon_file(path, key, "{canonical: [variants]}")
    entries: Dict[str, Tuple[str, ...]] = {}
    owner: Dict[str, str] = {}
    for canonical, variants in data[key].items():
        if not isinstance(canonical, str) or not isinstance(variants, list):
            raise LexiconError(f"{path}: {key}.{canonical}: expected a list of variants")
        if not all(isinstance(v, str) and v.strip() for v in variants):
            raise LexiconError(f"{path}: {key}.{canonical}: every variant must be non-empty text")
        # A key such as see_through or loose is a value, not a way buyers write it.
        own = [] if _VALUE_KEY.fullmatch(canonical) else [canonical]
        spellings = tuple(dict.fromkeys([*own, *(v.strip() for v in variants)]))
        for spelling in spellings:
            previous = owner.setdefault(_key(spelling), canonical)
            if previous != canonical:
                raise LexiconError(
                    f"{path}: {spelling!r} is listed under both {previous!r} and {canonical!r}"
                )
        entries[canonical] = spellings
    return entries, data


def load_lexicons(lexicon_dir: Optional[Path] = None) -> Lexicons:
    """Load every file of ``LEXICON_FILES`` (colours, couriers, regions, garments, fits, attributes).

    Args:
        lexicon_dir: the folder; defaults to the repository's data/lexicon.

    Returns:
        The lexicons.

    Raises:
        LexiconError: a file is missing, malformed or lists a spelling under two values.
    """
    folder = Path(lexicon_dir) if lexicon_dir else DEFAULT_LEXICON_DIR
    loaded = {}
    blockers: List[str] = []
    for file_name, (key, entity) in LEXICON_FILES.items():
        entries, data = _read_mapping(folder / file_name, key)
        loaded[entity] = Lexicon(entity, entries)
        words = data.get(f"not_{key}") or []
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise LexiconError(f"{folder / file_name}: not_{key} must be a list of words")
        blockers += [w.strip() for w in words]
    return Lexicons(
        colors=loaded["color"],
        couriers=loaded["courier"],
        regions=loaded["region"],
        garments=loaded["garment"],
        fits=loaded["fit"],
        attributes=loaded["attribute"],
        blockers=tuple(blockers),
    )


@dataclass(frozen=True)
class Term:
    """One spelling the gazetteer matches, with the entity and canonical value it stands for."""

    text: str
    entity: str
    value: str


@dataclass
class Gazetteer:
    """Finds lexicon and catalogue terms in a message (case-insensitive).

    One-character terms count only in context, so they are kept apart from ``terms``: colour
    words (黑, 白) as ``hues`` (see ``bot.text.colors.find_contextual_colors``), garment and
    attribute words (裤, 厚, 透) as ``short_terms`` (see ``bot.text.short_terms``). Other
    one-character terms (of products, couriers, regions, fits) are dropped.
    """

    terms: List[Term]
    hues: Dict[str, str] = field(default_factory=dict)
    #: entity -> {one character: canonical value}, e.g. {"attribute": {"厚": "thickness"}}.
    short_terms: Dict[str, Dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index: Dict[str, Term] = {}
        for term in self.terms:
            self._index.setdefault(_key(term.text), term)
        self._longest = max((len(k) for k in self._index), default=0)

    @classmethod
    def build(
        cls,
        lexicons: Lexicons,
        products: Iterable[Tuple[str, Sequence[str]]] = (),
        catalogue_colors: Iterable[str] = (),
    ) -> "Gazetteer":
        """Gather the terms of the lexicons and the catalogue.

        When two values claim a spelling the first wins, in this order: products, couriers,
        regions, colours, garments, fits, attributes, then the blockers (not_colors...).

        Args:
            lexicons: the general lexicons.
            products: (product id, [name, *aliases]) for each catalogue product.
            catalogue_colors: colours the catalogue lists; unknown ones get canonical names by
                ``canonical_color``'s rule.

        Returns:
            The gazetteer.
        """
        terms: List[Term] = []
        hues: Dict[str, str] = {}
        short_terms: Dict[str, Dict[str, str]] = {}
        seen = set()

        def add(text: str, entity: str, value: str) -> None:
            key = _key(text)
            if not key or key in seen:
                return
            if len(key) == 1:
                if entity == "color":
                    hues.setdefault(key, value)
                elif entity in CONTEXT_ENTITIES:
                    short_terms.setdefault(entity, {}).setdefault(key, value)
                return
            seen.add(key)
            terms.append(Term(text, entity, value))

        for product_id, names in products:
            for name in names:
                add(name, "product", product_id)
        for lexicon in lexicons.all():
            for canonical, variants in lexicon.entries.items():
                for variant in variants:
                    add(variant, lexicon.entity, canonical)
        for color in catalogue_colors:
            canonical = lexicons.normalise_color(color)
            for variant in (color, *color_variants(canonical)):
                add(variant, "color", canonical)
        for word in lexicons.blockers:
            add(word, BLOCK, "")
        return cls(terms, hues, short_terms)

    def find(self, text: str) -> List[Mention]:
        """Every occurrence of every term (overlapping candidates included).

        Args:
            text: the message, already half-width (see ``to_halfwidth``).

        Returns:
            Candidate mentions; resolve them with ``resolve_overlaps``.
        """
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        found = []
        for start in range(len(lowered)):
            if lowered[start].isspace():
                continue
            for end in range(start + 2, min(len(lowered), start + self._longest) + 1):
                term = self._index.get(lowered[start:end])
                if term is not None and latin_boundaries_ok(text, start, end):
                    found.append(
                        Mention(start, end, term.entity, text[start:end], term.value, PRIORITY_LEXICON)
                    )
        return found


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def latin_boundaries_ok(text: str, start: int, end: int) -> bool:
    """Whether a match that starts or ends with a latin letter or digit is a whole word.

    ``SF`` matches in ``发SF吗`` but not inside ``SFX``; ``EMS`` not inside ``ITEMS``.
    """
    if _is_latin(text[start]) and start > 0 and _is_latin(text[start - 1]):
        return False
    if _is_latin(text[end - 1]) and end < len(text) and _is_latin(text[end]):
        return False
    return True
