"""Review files: CSV (utf-8-sig) and YAML round trips without loss."""

import pytest

from bot.trainer import review
from bot.trainer.mining import IntentScore, MinedItem

AWKWARD = [
    "有L码吗，亲",
    'he said "能便宜点吗", 真的',
    "第一行\n第二行，还有\r\n第三行",
    "  前后有空格  ",
    "123",
    "null",
    "yes",
    "- 开头是破折号: 冒号",
    "#不是注释",
    "=SUM(A1)",
]


def _rows():
    rows = [
        review.ReviewRow(
            id=f"id{i}", text=text, predicted="ask_size", confidence=0.4123, alt1="ask_stock (0.3)",
            alt2="bargain (0.1234)", alt3="", reasons=["low_confidence", "far"], label="", note="",
        )
        for i, text in enumerate(AWKWARD)
    ]
    rows.append(review.ReviewRow(id="x", text="没有预测", reasons=[], label="ask_invoice", note="新意图？"))
    return rows


@pytest.mark.parametrize("name", ["review.csv", "review.yml"])
def test_round_trip_is_lossless(tmp_path, name):
    rows = _rows()
    review.write_review(rows, tmp_path / name)
    assert review.read_review(tmp_path / name) == rows


def test_csv_has_bom_and_the_columns_in_order(tmp_path):
    review.write_csv(_rows(), tmp_path / "r.csv")
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").splitlines()[0] == "id,text,predicted,confidence,alt1,alt2,alt3,reasons,label,note"


def test_rows_from_mined_keeps_only_items_with_reasons():
    items = [
        MinedItem("a", "有白色吗", "ask_stock", 0.41, [IntentScore("ask_product", 0.39), IntentScore("ask_size", 0.1)], ["close_call"]),
        MinedItem("b", "我170穿什么码", "ask_size", 0.93, [], []),
    ]
    rows = review.rows_from_mined(items)
    assert [(r.id, r.alt1, r.alt2, r.alt3, r.label) for r in rows] == [("a", "ask_product (0.39)", "ask_size (0.1)", "", "")]
    assert review.parse_alternative(rows[0].alt1) == IntentScore("ask_product", 0.39)
    assert review.parse_alternative("") is None
