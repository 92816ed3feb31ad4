"""conversation.yml loads, and a broken template stops loading with the file, the line and the problem."""
import pytest

from bot.shop import ShopDataError
from bot.shop.conversation import SMALLTALK_INTENTS, load_conversation


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
def test_a_broken_template_is_reported_with_where_and_what(shop_copy, old, new, expected):
    shop_copy.replace_text("conversation.yml", old, new)
    with pytest.raises(ShopDataError) as error:
        load_conversation(shop_copy.dir)
    message = str(error.value)
    assert "conversation.yml" in message
    for part in expected:
        assert part in message


def test_the_rating_question_has_five_scores_worst_first(shop_copy):
    rating = load_conversation().rating
    assert len(rating.scores) == 5 and rating.ask.format(agent="小美")
    shop_copy.replace_text("conversation.yml", '"满意", "非常满意"]', '"满意"]')
    with pytest.raises(ShopDataError) as error:
        load_conversation(shop_copy.dir)
    assert "rating" in str(error.value) and "5" in str(error.value)
