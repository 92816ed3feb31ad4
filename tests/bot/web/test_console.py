"""The agents' console: sign-in, sessions, the agents file, Origin checks."""

from __future__ import annotations

import io

import aiohttp
import pytest

from bot.web import agents as agents_cli
from bot.web.agents import AgentDirectory
from tests.bot.web.conftest import PASSWORDS, TEST_LIMITS, sign_in


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


async def test_signing_out_ends_the_session_even_for_a_copied_cookie(client):
    headers = await sign_in(client, "alice")
    assert (await client.get("/api/tickets", headers=headers)).status == 200
    out = await client.post("/console/logout", headers=headers, allow_redirects=False)
    assert out.status == 303
    # The same cookie, kept by someone who copied it: refused.
    assert (await client.get("/api/tickets", headers=headers)).status == 401
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await client.ws_connect("/ws/console", headers=headers)


async def test_sign_in_is_throttled_per_name_and_the_right_password_then_waits(make_client, fake_rasa):
    client = await make_client(fake_rasa.url, limits={**TEST_LIMITS, "login_name": "3/15 minutes",
                                                      "login_address": "100/15 minutes"})
    for _ in range(3):
        wrong = await client.post("/console/login", data={"name": "alice", "password": "guess-123"},
                                  allow_redirects=False)
        assert wrong.status == 401
    right = await client.post("/console/login", data={"name": "alice", "password": PASSWORDS["alice"]},
                              allow_redirects=False)
    assert right.status == 429 and int(right.headers["Retry-After"]) > 0
    assert "xiaodian_session" not in right.cookies
    # Another name from the same address is not locked out by alice's attempts.
    assert (await client.post("/console/login", data={"name": "bob", "password": PASSWORDS["bob"]},
                              allow_redirects=False)).status == 303


async def test_sign_in_is_throttled_per_address_across_names(make_client, fake_rasa):
    client = await make_client(fake_rasa.url, limits={**TEST_LIMITS, "login_name": "100/15 minutes",
                                                      "login_address": "4/15 minutes"})
    for name in ("alice", "bob", "carol", "dave"):
        await client.post("/console/login", data={"name": name, "password": "guess-123"}, allow_redirects=False)
    refused = await client.post("/console/login", data={"name": "bob", "password": PASSWORDS["bob"]},
                                allow_redirects=False)
    assert refused.status == 429


def test_an_unknown_name_costs_one_password_check_like_a_known_one(agents_file, monkeypatch):
    directory = AgentDirectory(agents_file)
    directory.verify("nobody", "x")  # the stand-in hash is made once, before counting
    checks = []
    real = agents_cli.check_password
    monkeypatch.setattr(agents_cli, "check_password", lambda password, stored: checks.append(stored) or real(password, stored))
    hashes = []
    monkeypatch.setattr(agents_cli, "hash_password", lambda password: hashes.append(password))
    assert directory.verify("alice", "wrong-password") is None
    assert directory.verify("nobody", "wrong-password") is None
    # The same work for both: one scrypt check each, and no new hash made for the unknown name.
    assert len(checks) == 2 and hashes == []


async def test_the_password_check_runs_off_the_event_loop(client, monkeypatch):
    import threading

    threads = []
    real = AgentDirectory.verify

    def recording(self, name, password):
        threads.append(threading.current_thread())
        return real(self, name, password)

    monkeypatch.setattr(AgentDirectory, "verify", recording)
    await sign_in(client, "alice")
    assert threads and threads[0] is not threading.main_thread()


async def test_cookies_are_secure_behind_a_tls_proxy(make_client, fake_rasa):
    client = await make_client(fake_rasa.url, public_url="https://shop.example.com")
    response = await client.post("/console/login", data={"name": "alice", "password": PASSWORDS["alice"]},
                                 allow_redirects=False, headers={"Origin": "https://shop.example.com"})
    assert response.status == 303
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_agents_cli_removes_an_agent_and_changes_a_role(tmp_path, monkeypatch, capsys):
    path = tmp_path / "agents.yml"
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert agents_cli.main(["add", "erin", "--role", "supervisor", "--password-stdin", "--file", str(path)]) == 0
    directory = AgentDirectory(path)
    assert directory.get("erin").is_supervisor
    assert agents_cli.main(["role", "erin", "agent", "--file", str(path)]) == 0
    erin = directory.get("erin")
    assert (erin.role, erin.is_supervisor) == ("agent", False)
    assert directory.verify("erin", "long-enough-pw") is not None  # the password stayed
    assert agents_cli.main(["role", "nobody", "agent", "--file", str(path)]) == 1
    assert agents_cli.main(["remove", "erin", "--file", str(path)]) == 0
    assert directory.get("erin") is None and path.stat().st_mode & 0o077 == 0
    assert agents_cli.main(["remove", "erin", "--file", str(path)]) == 1


async def test_a_removed_agent_or_a_changed_role_counts_at_the_next_request(client, agents_file):
    boss = await sign_in(client, "boss")
    assert (await client.get("/report", headers=boss, allow_redirects=False)).status == 200
    directory = AgentDirectory(agents_file)
    demoted = directory.get("boss")
    directory.save(demoted.__class__(demoted.name, demoted.display_name, demoted.password_hash, "agent"))
    assert (await client.get("/report", headers=boss, allow_redirects=False)).status == 403
    directory.remove("boss")
    assert (await client.get("/api/tickets", headers=boss)).status == 401
