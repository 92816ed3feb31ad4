"""not_understood_reason: keyboard mashing and fillers are not understood; pinyin, known words and short abbreviations are."""

import pytest

from bot.text.not_understood import FILLER, GIBBERISH, not_understood_reason, spells_pinyin


@pytest.mark.parametrize("word", ["nihao", "zaima", "xiexie", "haode", "tuihuo", "lalala", "er"])
def test_pinyin_is_recognised(word):
    assert spells_pinyin(word)


@pytest.mark.parametrize("word", ["asdkjh", "qwe", "hjkl", "zxcvbnm", "sdfg"])
def test_keyboard_rows_do_not_spell_pinyin(word):
    assert not spells_pinyin(word)


@pytest.mark.parametrize("text", ["asdkjh qwe", "qwerty", "zzzzzz", "aaaa", "ASDFG!!", "ｑｗｅｒｔ", "sdfg 123"])
def test_mashing_is_gibberish(text):
    assert not_understood_reason(text) == GIBBERISH


@pytest.mark.parametrize("text", ["ok", "xl", "OK!", "zaima", "ni hao", "hello", "3q", "666", "123456"])
def test_words_pinyin_numbers_and_short_abbreviations_are_not_gibberish(text):
    assert not_understood_reason(text, known_words={"hello"}) is None


def test_an_unknown_english_word_is_gibberish_until_the_training_data_knows_it():
    assert not_understood_reason("iphone") == GIBBERISH
    assert not_understood_reason("iphone", known_words={"iphone"}) is None


@pytest.mark.parametrize("text", ["啊", "额。。", "呃呃呃", "诶？", "啊啊啊啊啊"])
def test_fillers_alone_are_not_understood(text):
    assert not_understood_reason(text) == FILLER


@pytest.mark.parametrize("text", ["嗯", "哦", "哈哈哈", "好的呀", "啊 发货了吗", "asdf 发货了吗", "在吗"])
def test_chinese_with_content_is_left_to_the_classifier(text):
    assert not_understood_reason(text) is None
