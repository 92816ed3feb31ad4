"""conversation.yml loads, and a broken template stops loading with the file, the line and the problem."""
import shutil
from pathlib import Path

import pytest

from bot.shop import ShopDataError
from bot.shop.conversation import SMALLTALK_INTENTS, load_conversation

SHOP_DIR = Path(__file__).resolve().parents[3] / "data" / "shop"


def test_the_shops_conversation_file_loads_with_every_smalltalk_intent():
    conversation = load_conversation()
    for intent in SMALLTALK_INTENTS:
        assert conversation.smalltalk_reply(intent, shop_name="某店")


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("欢迎光临{shop_name}", "欢迎光临{shopname}", ["smalltalk.greet[1]", "{shopname}"]),
        ("{order_id}", "{order_id", ["orders.unknown_order", "bad braces"]),
        ("  empty: \"", "  empty: \"一\\n二\\n三\\n四\\n五", ["bad_input.empty", "lines"]),
    ],
    ids=["unknown-placeholder", "bad-braces", "too-many-lines"],
)
def test_a_broken_template_is_reported_with_where_and_what(tmp_path, old, new, expected):
    shutil.copytree(SHOP_DIR, tmp_path / "shop")
    path = tmp_path / "shop" / "conversation.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ShopDataError) as error:
        load_conversation(tmp_path / "shop")
    message = str(error.value)
    assert "conversation.yml" in message
    for part in expected:
        assert part in message


def test_the_rating_question_has_five_scores_worst_first(tmp_path):
    rating = load_conversation().rating
    assert len(rating.scores) == 5 and rating.ask.format(agent="小美")
    shutil.copytree(SHOP_DIR, tmp_path / "shop")
    path = tmp_path / "shop" / "conversation.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"满意", "非常满意"]', '"满意"]'), encoding="utf-8")
    with pytest.raises(ShopDataError) as error:
        load_conversation(tmp_path / "shop")
    assert "rating" in str(error.value) and "5" in str(error.value)
