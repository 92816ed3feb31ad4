"""The cached action-result validation accepts and refuses exactly what Rasa's own check does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.nlu.rasa_speedups import _validate_action_result, apply_rasa_speedups

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "product", "value": "hd-fleece-01"}],
     "responses": [{"text": "亲，在的", "buttons": [{"title": "看尺码", "payload": "/ask_size"}]}]},
]
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [], "responses": "nope"},
]


@pytest.mark.parametrize("result", GOOD)
def test_valid_results_pass_both_checks(result):
    validate(result, RemoteAction.action_response_format_spec())
    assert _validate_action_result(None, result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_results_fail_both_checks_with_rasas_message(result):
    with pytest.raises(ValidationError):
        validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        _validate_action_result(None, result)


def test_applying_twice_installs_once():
    original = RemoteAction._validate_action_result
    try:
        apply_rasa_speedups()
        installed = RemoteAction._validate_action_result
        apply_rasa_speedups()
        assert RemoteAction._validate_action_result is installed is _validate_action_result
    finally:
        RemoteAction._validate_action_result = original
