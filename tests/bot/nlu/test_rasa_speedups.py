"""The cached action-result validation accepts and refuses exactly what Rasa's own check does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.nlu.rasa_speedups import (
    _passes_fast_check,
    _resolve_event_by_type,
    _validate_action_result,
    apply_rasa_speedups,
)

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "product", "value": "hd-fleece-01"}],
     "responses": [{"text": "亲，在的", "buttons": [{"title": "看尺码", "payload": "/ask_size"}]}]},
    {"events": [{"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
                {"event": "active_loop", "name": None},
                {"event": "bot", "text": "好的", "data": {"buttons": []}},
                {"event": "followup", "name": "action_advise_size"}], "responses": []},
]
BAD = [
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [], "responses": "nope"},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [{"event": "slot", "name": 5, "value": "x"}], "responses": []},
    {"events": [{"event": "bot", "text": "ok"}, {"event": "user", "text": 12}], "responses": []},
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


@pytest.mark.parametrize("result", GOOD)
def test_fast_check_accepts_what_rasa_accepts(result):
    assert _passes_fast_check(result)


@pytest.mark.parametrize("result", BAD)
def test_fast_check_never_accepts_what_rasa_refuses(result):
    # Refused results go on to the full validator, which gives Rasa's error.
    assert not _passes_fast_check(result)


def test_event_types_resolve_to_rasas_classes():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = Event.__dict__["resolve_by_type"].__func__
    for name in {subclass.type_name for subclass in all_subclasses(Event)}:
        assert _resolve_event_by_type(name) is original(name)
    assert _resolve_event_by_type("topic") is None
    assert _resolve_event_by_type("no_such_event", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        _resolve_event_by_type("no_such_event")


def test_applying_twice_installs_once():
    original = RemoteAction._validate_action_result
    try:
        apply_rasa_speedups()
        installed = RemoteAction._validate_action_result
        apply_rasa_speedups()
        assert RemoteAction._validate_action_result is installed is _validate_action_result
    finally:
        RemoteAction._validate_action_result = original


@pytest.fixture
async def echo_server():
    """A small HTTP server that answers with the client's port, the query and a header, or an error."""
    from aiohttp import web

    async def echo(request: web.Request) -> web.Response:
        if request.path == "/fail":
            return web.Response(status=500, text="broken")
        if request.path == "/text":
            return web.Response(text="plain")
        peer = request.transport.get_extra_info("peername")
        return web.json_response({"port": peer[1], "query": dict(request.query),
                                  "header": request.headers.get("X-Shop"), "body": await request.json()})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
def keep_alive_requests():
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.request
    apply_rasa_speedups()
    yield
    EndpointConfig.request = original


async def test_endpoint_requests_reuse_one_connection(echo_server, keep_alive_requests):
    from rasa.utils.endpoints import EndpointConfig

    endpoint = EndpointConfig(echo_server + "/webhook", params={"shop": "demo"}, headers={"X-Shop": "xd"},
                              token="secret")
    first = await endpoint.request(json={"next_action": "a"}, method="post")
    second = await endpoint.request(json={"next_action": "b"}, method="post")
    # Same client port: the second call went over the first call's keep-alive connection.
    assert first["port"] == second["port"]
    assert first["query"] == {"shop": "demo", "token": "secret"}
    assert first["header"] == "xd"
    assert [first["body"], second["body"]] == [{"next_action": "a"}, {"next_action": "b"}]
    for session in endpoint.__dict__["_xiaodian_sessions"].values():
        await session.close()


async def test_endpoint_request_errors_are_rasas(echo_server, keep_alive_requests):
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    failing, plain = EndpointConfig(echo_server + "/fail"), EndpointConfig(echo_server + "/text")
    with pytest.raises(ClientResponseError) as raised:
        await failing.request(json={})
    assert raised.value.status == 500
    assert await plain.request(method="get") is None
    for endpoint in (failing, plain):
        for session in endpoint.__dict__["_xiaodian_sessions"].values():
            await session.close()
