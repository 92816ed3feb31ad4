"""Details of a garment a buyer asks about beyond the catalogue's fields (含绒量, 钻绒, 帽子能拆吗, 礼盒), read
with data/lexicon/product_features.yml: which detail a message asks, and which catalogue words answer it.

Finding the answer in a product's own sentences is bot.shop.product_facts' job; this module only reads words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.text.lexicon import longest_matches, read_lexicon_file

DEFAULT_FEATURES_FILE = Path(__file__).resolve().parents[2] / "data" / "lexicon" / "product_features.yml"


class FeatureLexiconError(ValueError):
    """The product-features lexicon is missing or malformed."""


@dataclass(frozen=True)
class Feature:
    """One detail: its key, how replies and tickets name it, the buyer's words and the catalogue's."""

    key: str
    label: str
    asked: Tuple[str, ...]
    answered_by: Tuple[str, ...]
    shop_wide: bool = False
    #: How a comparison names the product that has it (更透气, 更适合下雨天穿); None: not compared.
    better: Optional[str] = None
    #: Its words are said of other things too (下雨 of the weather): a detail only with a garment in the message.
    needs_garment: bool = False


@dataclass(frozen=True)
class FeatureLexicon:
    features: Dict[str, Feature]

    def asked_in(self, text: str) -> List[Feature]:
        """The details a message asks about, in order of mention; the longest buyer word wins where two overlap."""
        words = [(word, feature) for feature in self.features.values() for word in feature.asked]
        ordered: List[Feature] = []
        for _, feature in longest_matches(text, words):
            if feature not in ordered:
                ordered.append(feature)
        return ordered


def load_feature_lexicon(path: Optional[Path] = None) -> FeatureLexicon:
    """Reads data/lexicon/product_features.yml.

    Raises:
        FeatureLexiconError: missing file, bad YAML, or a feature without a label or buyer words.
    """
    path = Path(path) if path else DEFAULT_FEATURES_FILE
    data = read_lexicon_file(path, "features", "{key: {...}}", FeatureLexiconError)
    features: Dict[str, Feature] = {}
    for key, entry in data["features"].items():
        where = f"{path}: features.{key}"
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) or not entry["label"].strip():
            raise FeatureLexiconError(f"{where}: needs a label")
        asked, answered = entry.get("asked"), entry.get("answered_by", [])
        if not isinstance(asked, list) or not asked or not all(isinstance(w, str) and w.strip() for w in asked):
            raise FeatureLexiconError(f"{where}.asked: expected a list of words")
        if not isinstance(answered, list) or not all(isinstance(w, str) and w.strip() for w in answered):
            raise FeatureLexiconError(f"{where}.answered_by: expected a list of words")
        unknown = set(entry) - {"label", "asked", "answered_by", "shop_wide", "better", "needs_garment"}
        if unknown:
            raise FeatureLexiconError(f"{where}: unknown keys {sorted(unknown)}")
        features[str(key)] = Feature(
            str(key), entry["label"].strip(), tuple(w.strip() for w in asked), tuple(w.strip() for w in answered),
            bool(entry.get("shop_wide", False)), (entry.get("better") or "").strip() or None,
            bool(entry.get("needs_garment", False)),
        )
    return FeatureLexicon(features)


@lru_cache(maxsize=4)
def feature_lexicon(path: Optional[Path] = None) -> FeatureLexicon:
    """The lexicon, read once per path."""
    return load_feature_lexicon(path)


def features_asked(text: str, lexicon: Optional[FeatureLexicon] = None) -> List[Feature]:
    """The product details a message asks about (含绒量 -> down_content), in order of mention."""
    return (lexicon or feature_lexicon()).asked_in(text)
