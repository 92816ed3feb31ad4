"""MessageGuard cleans the text the model sees, puts the problems into the parse data, and decides what
may act as a command."""
import pytest
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


def _guarded(text, metadata):
    message = Message({TEXT: text, "metadata": metadata})
    MessageGuard().process([message])
    return message.get(TEXT)


def test_a_button_the_web_service_vouches_for_stays_a_command():
    payload = '/inform{"order_id":"397453401056305397"}'
    assert _guarded(payload, {"identity": "x", "button": True}) == '/inform{"order_id": "397453401056305397"}'
    assert _guarded("/ask_invoice", {"identity": "x", "button": True}) == "/ask_invoice"


@pytest.mark.parametrize("text", ["/restart", '/ask_size{"height":165,"weight":50}', "  /session_start", "/inform{"])
def test_typed_control_syntax_is_plain_text(text):
    guarded = _guarded(text, {"identity": "x", "button": False})
    assert not guarded.startswith("/") and guarded.startswith("／")
    # The same when the web service says nothing about buttons: only a vouched click is a command.
    assert not _guarded(text, {"identity": "x"}).startswith("/")


@pytest.mark.parametrize("payload, kept", [
    ('/inform{"height":"abc","weight":[1,2]}', "/inform"),
    ('/inform{"amount":1e999}', "/inform"),
    ('/inform{"amount":NaN,"size":"M"}', '/inform{"size": "M"}'),
    ('/inform{"height":"165","product":"../etc"}', '/inform{"height": 165.0}'),
    ('/inform{"not_an_entity":"x"}', "/inform"),
])
def test_a_commands_entities_keep_only_values_of_their_type_and_range(payload, kept):
    assert _guarded(payload, {"button": True}) == kept


def test_a_local_tool_without_metadata_may_still_use_commands():
    # rasa shell and rasa test send no metadata; the shop page channel always does.
    assert _guarded('/start_from_product{"product":"hd-fleece-01"}', None) == \
        '/start_from_product{"product": "hd-fleece-01"}'
