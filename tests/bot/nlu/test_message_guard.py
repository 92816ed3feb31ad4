"""MessageGuard cleans the text the model sees and puts the problems into the parse data."""
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.message_guard import INPUT_PROBLEMS, MessageGuard


def test_process_cleans_text_and_outputs_problems():
    guard = MessageGuard()
    html, empty, button, plain = (
        Message({TEXT: "<b>包邮吗</b>"}), Message({TEXT: ""}), Message({TEXT: "/ask_invoice"}), Message({TEXT: "在吗"})
    )
    guard.process([html, empty, button, plain])
    assert html.get(TEXT) == "包邮吗"
    assert html.as_dict(only_output_properties=True)[INPUT_PROBLEMS] == ["html"]
    assert empty.get(INPUT_PROBLEMS) == ["empty"]
    assert button.get(TEXT) == "/ask_invoice" and button.get(INPUT_PROBLEMS) is None
    assert plain.get(TEXT) == "在吗" and plain.get(INPUT_PROBLEMS) == []
