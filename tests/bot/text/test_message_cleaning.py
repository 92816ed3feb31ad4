"""Cleaning raw buyer messages: markup, whitespace, length, emptiness."""
import pytest

from bot.text.message_cleaning import MAX_UNDERSTOOD_CHARS, clean_message


@pytest.mark.parametrize(
    "raw, text, problems",
    [
        ("能便宜点吗", "能便宜点吗", []),
        ("  在吗 \n 亲  ", "在吗 亲", []),
        ("", "", ["empty"]),
        (None, "", ["empty"]),
        ("   \n\t", "", ["empty"]),
        ("<b>能便宜点吗</b>", "能便宜点吗", ["html"]),
        ("<script>alert('x')</script>包邮吗", "包邮吗", ["html"]),
        ("&lt;p&gt;在吗&lt;/p&gt;", "<p>在吗</p>", []),
        ("<br><br>", "", ["html", "empty"]),
        ("😀😀😀", "😀😀😀", ["no_words"]),
        ("？？？！！", "？？？！！", ["no_words"]),
        ("hello 这件有xl吗", "hello 这件有xl吗", []),
        ("165 100斤", "165 100斤", []),
    ],
)
def test_clean_message(raw, text, problems):
    cleaned = clean_message(raw)
    assert cleaned.text == text
    assert cleaned.problems == problems


def test_a_long_message_is_cut_to_its_start():
    cleaned = clean_message("请问" + "这件衣服" * 1250)
    assert cleaned.problems == ["too_long"]
    assert len(cleaned.text) == MAX_UNDERSTOOD_CHARS
    assert cleaned.text.startswith("请问这件衣服")


def test_empty_and_emoji_only_count_as_nothing_to_understand():
    assert clean_message("").is_empty
    assert clean_message("👍").is_empty
    assert not clean_message("👍好的").is_empty
