"""The lexicon files (data/lexicon) and the gazetteer built from them."""

from __future__ import annotations

import re

import pytest

from bot.text.colors import canonical_color, color_variants
from bot.text.lexicon import (
    DEFAULT_LEXICON_DIR,
    LEXICON_FILES,
    Gazetteer,
    LexiconError,
    load_lexicons,
    longest_matches,
    read_lexicon_file,
)

# Rasa 3.6 loads any YAML under data/ with such a line as training data.
RASA_TRAINING_KEYS = re.compile(r"^\s*(nlu|responses|stories|rules)\s*:", re.MULTILINE)


@pytest.mark.parametrize("name", sorted(LEXICON_FILES))
def test_lexicon_files_are_not_rasa_training_data(name):
    text = (DEFAULT_LEXICON_DIR / name).read_text(encoding="utf-8")
    assert not RASA_TRAINING_KEYS.search(text)


@pytest.mark.parametrize("name", sorted(LEXICON_FILES))
def test_lexicon_files_are_readable_utf8_without_escapes(name):
    text = (DEFAULT_LEXICON_DIR / name).read_text(encoding="utf-8")
    assert "\\u" not in text


def test_lexicons_load():
    lexicons = load_lexicons()
    assert lexicons.couriers.canonical("中国邮政") == "EMS"
    assert lexicons.regions.canonical("乌鲁木齐") == "新疆"
    assert lexicons.regions.canonical("深圳") == "广东"
    assert lexicons.colors.canonical("藏蓝") == "藏青"
    assert lexicons.colors.canonical("sf") is None
    assert lexicons.couriers.canonical("sf") == "顺丰"  # case-insensitive
    assert {"明白", "京东e卡", "北京时间"} <= set(lexicons.blockers)


def test_couriers_of_the_contract():
    couriers = load_lexicons().couriers.entries
    for name in ["顺丰", "中通", "圆通", "韵达", "申通", "EMS", "京东", "极兔", "德邦"]:
        assert name in couriers


def test_canonical_colours_follow_the_naming_rule():
    """One-character hue + 色 (黑色); longer names without 色 (藏青, 卡其, 米白)."""
    for canonical in load_lexicons().colors.entries:
        assert canonical_color(canonical) == canonical


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("黑", "黑色"),
        ("黑色", "黑色"),
        ("黑的", "黑色"),
        ("藏青色", "藏青"),
        ("雾霾蓝色", "雾霾蓝"),
        ("燕麦色", "燕麦"),
        ("米色", "米色"),
        ("卡其色的", "卡其"),
        ("浅蓝条纹", "浅蓝条纹"),
    ],
)
def test_canonical_color(name, canonical):
    assert canonical_color(name) == canonical


def test_color_variants():
    assert color_variants("黑色") == ["黑色", "黑", "黑的", "黑色的"]
    assert color_variants("藏青") == ["藏青", "藏青色", "藏青的", "藏青色的"]


def test_normalise_color_prefers_the_lexicon():
    lexicons = load_lexicons()
    assert lexicons.normalise_color("藏蓝色") == "藏青"
    assert lexicons.normalise_color("燕麦色") == "燕麦"


def _write_lexicons(
    folder,
    colors="colors:\n  黑色: [黑的]\n",
    couriers="couriers:\n  顺丰: [SF]\n",
    regions="regions:\n  新疆: [乌鲁木齐]\n",
    garments="garments:\n  裤子: [裤, 长裤]\n",
    fits="fits:\n  loose: [宽松]\n  fitted: [修身]\n",
    attributes="attributes:\n  thickness: [厚, 厚度]\n",
):
    files = {
        "colors.yml": colors,
        "couriers.yml": couriers,
        "regions.yml": regions,
        "garments.yml": garments,
        "fits.yml": fits,
        "product_attributes.yml": attributes,
    }
    assert set(files) == set(LEXICON_FILES)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_spelling_under_two_values_is_an_error(tmp_path):
    _write_lexicons(tmp_path, regions="regions:\n  新疆: [乌鲁木齐]\n  西藏: [乌鲁木齐]\n")
    with pytest.raises(LexiconError, match="乌鲁木齐"):
        load_lexicons(tmp_path)


@pytest.mark.parametrize(
    "couriers",
    [
        "",
        "couriers: [顺丰]\n",
        "couriers:\n  顺丰: SF\n",
        "couriers:\n  顺丰: ['']\n",
        "couriers: {顺丰: [SF]\n",
    ],
)
def test_malformed_lexicons_are_errors(tmp_path, couriers):
    _write_lexicons(tmp_path, couriers=couriers)
    with pytest.raises(LexiconError, match="couriers.yml"):
        load_lexicons(tmp_path)


def test_missing_lexicon_file(tmp_path):
    _write_lexicons(tmp_path)
    (tmp_path / "regions.yml").unlink()
    with pytest.raises(LexiconError, match="not found"):
        load_lexicons(tmp_path)


def test_gazetteer_precedence_and_hues(tmp_path):
    _write_lexicons(tmp_path, colors="colors:\n  黑色: [黑, 黑的]\nnot_colors: [拉黑]\n")
    gazetteer = Gazetteer.build(
        load_lexicons(tmp_path), [("sf-box-01", ["SF", "顺丰礼盒"])], ["黑色", "雾霾蓝"]
    )
    by_text = {term.text: (term.entity, term.value) for term in gazetteer.terms}
    assert by_text["SF"] == ("product", "sf-box-01")  # products first
    assert by_text["顺丰"] == ("courier", "顺丰")
    assert by_text["雾霾蓝色"] == ("color", "雾霾蓝")  # catalogue colours get the usual forms
    assert by_text["拉黑"] == ("_block", "")
    assert gazetteer.hues == {"黑": "黑色"}  # one character: only in context, not a term
    assert "黑" not in by_text
    assert gazetteer.short_terms == {"garment": {"裤": "裤子"}, "attribute": {"厚": "thickness"}}
    assert by_text["长裤"] == ("garment", "裤子") and by_text["宽松"] == ("fit", "loose")
    assert "裤" not in by_text and "厚" not in by_text


def test_longest_matches_take_the_longest_word_first_and_keep_the_order_given_between_equals():
    # 怎么还 is taken before the shorter 怎么 inside it; folded: full width, case and spaces do not count.
    assert longest_matches("Ｍ码 有货 吗", [("m码", "size"), ("有货", "stock")]) == [(0, "size"), (2, "stock")]
    blocked = [("怎么还", ""), ("怎么", "how"), ("不发货", "late")]
    assert longest_matches("怎么还不发货", blocked) == [(0, ""), (3, "late")]
    # Of two words of one length over the same characters, the first given wins.
    assert longest_matches("还不发货", [("不发", "a"), ("发货", "b")]) == [(1, "a")]


def test_a_lexicon_file_of_the_wrong_shape_is_named(tmp_path):
    path = tmp_path / "questions.yml"
    path.write_text("cues: [a, b]\n", encoding="utf-8")
    expected = "questions.yml: expected a top-level mapping 'cues: {name: \\[words\\]}'"
    with pytest.raises(LexiconError, match=expected):
        read_lexicon_file(path, "cues", "{name: [words]}")
    with pytest.raises(LexiconError, match="file not found"):
        read_lexicon_file(tmp_path / "missing.yml", "cues", "{}")
