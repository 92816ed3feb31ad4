"""Product details a buyer asks about beyond the catalogue's fields (data/lexicon/product_features.yml)."""
from __future__ import annotations

import pytest

from bot.text.product_features import FeatureLexiconError, feature_lexicon, features_asked, load_feature_lexicon


@pytest.mark.parametrize("text, keys", [
    ("含绒量多少", ["down_content"]),
    ("充绒量呢", ["down_fill"]),
    ("会不会钻绒", ["down_leak"]),
    ("帽子能拆下来吗", ["hood_detachable"]),  # not the stowable hood
    ("帽子能收起来吗", ["hood"]),
    ("这个扎不扎", ["itch"]),
    ("领口洗多了会变形吗", ["collar"]),
    ("有礼盒包装吗", ["gift_wrap"]),
    ("下雨天能穿吗 会闷吗", ["rain", "breathable"]),
    ("什么面料", []),  # a catalogue field (product_attributes.yml), not a detail
])
def test_details_asked(text, keys):
    assert [feature.key for feature in features_asked(text)] == keys


def test_every_detail_has_words_and_a_shop_wide_one_has_no_catalogue_words():
    for feature in feature_lexicon().features.values():
        assert feature.label and feature.asked
        assert feature.shop_wide or feature.answered_by, feature.key


def test_the_weather_word_needs_a_garment():
    rain = feature_lexicon().features["rain"]
    assert rain.needs_garment and rain.better


@pytest.mark.parametrize("content, message", [
    ("features: [a]\n", "features"),
    ("features:\n  x: {asked: [a]}\n", "label"),
    ("features:\n  x: {label: X, asked: []}\n", "asked"),
    ("features:\n  x: {label: X, asked: [a], answered_by: a}\n", "answered_by"),
    ("features:\n  x: {label: X, asked: [a], colour: red}\n", "unknown keys"),
])
def test_a_malformed_lexicon_is_refused_with_where(tmp_path, content, message):
    path = tmp_path / "product_features.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FeatureLexiconError, match=message):
        load_feature_lexicon(path)
