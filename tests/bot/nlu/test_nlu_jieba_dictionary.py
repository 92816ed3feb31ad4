"""The jieba user dictionary generator: content, determinism, --check, and what jieba makes of it."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest

from bot.nlu.jieba_dictionary import (
    DEFAULT_OUT,
    PARTICLES,
    PHRASE_LEXICONS,
    TERM_FREQUENCY,
    build_dictionary,
    dictionary_terms,
    main,
    render,
)
from bot.text import load_lexicons

ROOT = Path(__file__).resolve().parents[3]


def test_terms_are_sorted_unique_and_filtered():
    terms = dictionary_terms(["羽绒服", "羽绒服", " 开衫 ", "袜", "free size", "T恤"], load_lexicons())
    assert terms == sorted(set(terms))
    assert {"羽绒服", "开衫", "T恤", "顺丰", "乌鲁木齐", "藏青色", "均码"} <= set(terms)
    assert "袜" not in terms  # one character
    assert "free size" not in terms  # jieba cannot hold a space
    assert "白的" not in terms and "黑色的" not in terms  # 白/的 stays two tokens, as annotated


def test_every_lexicon_word_of_two_or_more_characters_is_included():
    lexicons = load_lexicons()
    terms = set(dictionary_terms([], lexicons))
    for lexicon in lexicons.all():
        words = [v for v in lexicon.variants() if len(v) >= 2]
        for variant in words:
            if variant.endswith(PARTICLES):
                assert variant not in terms  # 白的, 棉的吗: the particle stays its own token
            elif lexicon.entity in PHRASE_LEXICONS and any(w != variant and w in variant for w in words):
                assert variant not in terms, variant  # 喜欢宽松 is 喜欢 + 宽松
            else:
                assert variant in terms, variant


def test_blocking_words_are_included_and_value_keys_are_not():
    lexicons = load_lexicons()
    terms = set(dictionary_terms([], lexicons))
    assert {"不合身", "多长时间", "透气", "北京时间", "明白"} <= terms
    assert not {"loose", "fitted", "see_through", "measurements"} & terms


def test_render_format():
    assert render(["顺丰", "雾霾蓝"]) == f"顺丰 {TERM_FREQUENCY} nz\n雾霾蓝 {TERM_FREQUENCY} nz\n"


def test_build_is_deterministic():
    assert build_dictionary() == build_dictionary()


def test_write_then_check(tmp_path, capsys):
    out = tmp_path / "jieba" / "shop_dict.txt"
    assert main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == build_dictionary()
    assert main(["--check", "--out", str(out)]) == 0

    out.write_text(out.read_text(encoding="utf-8") + "多余 20000 nz\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--check", "--out", str(out)]) == 1
    assert "out of date" in capsys.readouterr().err


def test_check_fails_when_the_file_is_missing(tmp_path):
    assert main(["--check", "--out", str(tmp_path / "missing.txt")]) == 1


def test_repository_dictionary_is_up_to_date():
    """data/jieba/shop_dict.txt matches data/shop and data/lexicon (run `make data` if not)."""
    assert DEFAULT_OUT == ROOT / "data" / "jieba" / "shop_dict.txt"
    assert main(["--check"]) == 0


def test_data_jieba_holds_only_dictionaries():
    """JiebaTokenizer loads every file of dictionary_path (data/jieba) as a user dictionary."""
    files = [p for p in (ROOT / "data" / "jieba").iterdir()]
    assert [p.name for p in files] == ["shop_dict.txt"]


@pytest.mark.parametrize(
    "text, word",
    [
        ("能发顺丰吗", "顺丰"),
        ("有雾霾蓝吗", "雾霾蓝"),
        ("寄乌鲁木齐几天", "乌鲁木齐"),
        ("可以发极兔吗", "极兔"),
        ("是纯棉的吗", "纯棉"),  # not 纯/棉的吗
        ("能机洗吗", "机洗"),
        ("会不会起球", "起球"),
        ("有尺码表吗", "尺码表"),
        ("喜欢宽松点的", "宽松"),  # not the phrase 喜欢宽松
        ("不合身能换吗", "不合身"),  # not 不/合身: the blocking word stays whole
        ("多长时间能到", "多长时间"),
    ],
)
def test_jieba_keeps_shop_words_whole(text, word, tmp_path):
    path = tmp_path / "shop_dict.txt"
    path.write_text(build_dictionary(), encoding="utf-8")
    segmenter = jieba.Tokenizer()
    segmenter.load_userdict(str(path))
    assert word in list(segmenter.cut(text))
