"""The agents' console: sign-in, sessions, the agents file, Origin checks."""

from __future__ import annotations

import io

import aiohttp
import pytest

from bot.web import agents as agents_cli
from bot.web.agents import AgentDirectory
from tests.bot.web.conftest import sign_in


async def test_console_shows_the_sign_in_page_until_signed_in(client):
    page = await (await client.get("/console")).text()
    assert 'action="/console/login"' in page and "console.js" not in page
    headers = await sign_in(client, "alice")
    page = await (await client.get("/console", headers=headers)).text()
    assert "console.js" in page and "小美" in page


async def test_a_wrong_password_does_not_sign_in(client):
    response = await client.post("/console/login", data={"name": "alice", "password": "bob-password"},
                                 allow_redirects=False)
    assert response.status == 401
    assert "xiaodian_session" not in response.cookies


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/api/tickets"), ("GET", "/api/tickets/t-1"), ("POST", "/api/tickets/t-1/claim"),
     ("POST", "/api/tickets/t-1/reply"), ("POST", "/api/tickets/t-1/note"), ("POST", "/api/tickets/t-1/resolve")],
)
async def test_agent_endpoints_need_a_signed_in_agent(client, method, path):
    for headers in ({}, {"Cookie": "xiaodian_session=forged.cookie"}):
        response = await client.request(method, path, json={"text": "x"}, headers=headers)
        assert response.status == 401


async def test_console_socket_needs_sign_in_and_same_origin(client):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws/console")
    assert refused.value.status == 401
    headers = await sign_in(client, "alice")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws/console", headers={**headers, "Origin": "http://evil.example"})
    assert refused.value.status == 403
    ws = await client.ws_connect("/ws/console", headers=headers)
    await ws.close()


async def test_cookie_writes_from_another_site_are_refused(client):
    headers = await sign_in(client, "alice")
    response = await client.post("/api/tickets/t-1/claim", headers={**headers, "Origin": "http://evil.example"})
    assert response.status == 403


async def test_without_an_agents_file_the_console_says_how_to_add_one(make_client, fake_rasa, tmp_path):
    client = await make_client(fake_rasa.url, agents=tmp_path / "none.yml")
    page = await (await client.get("/console")).text()
    assert "python -m bot.web.agents add" in page
    response = await client.post("/console/login", data={"name": "admin", "password": "admin"},
                                 allow_redirects=False)
    assert response.status == 401


def test_agents_cli_adds_an_agent_with_a_salted_hash(tmp_path, monkeypatch, capsys):
    path = tmp_path / "agents.yml"
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert agents_cli.main(["add", "carol", "--display-name", "小卡", "--password-stdin", "--file", str(path)]) == 0
    directory = AgentDirectory(path)
    assert directory.verify("carol", "long-enough-pw").display_name == "小卡"
    assert directory.verify("carol", "wrong") is None
    assert "long-enough-pw" not in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o077 == 0

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert agents_cli.main(["add", "dave", "--password-stdin", "--file", str(path)]) == 2
    assert directory.get("dave") is None
