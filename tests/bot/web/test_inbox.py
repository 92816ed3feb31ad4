"""The trainer's inbox: trainer-only access, the next row, labels written back to the review file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import List

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from bot.trainer.review import ReviewRow, read_review, write_review
from bot.web import agents as agents_cli
from bot.web.agents import Agent, AgentDirectory, hash_password
from bot.web.app import create_app
from bot.web.settings import Settings, settings_from_env
from bot.web.trainer_inbox import NEW_INTENT_NOTE, known_intents
from tests.bot.web.conftest import PASSWORDS, SERVICE_ENV, sign_in

# Made-up messages, written for these tests.
ROWS = [
    ReviewRow(id="a1", text="这件外套能机洗吗", predicted="ask_size", confidence=0.41,
              alt1="greet (0.3)", alt2="thank (0.2)", alt3="", reasons=["low_confidence", "close_call"]),
    ReviewRow(id="b2", text="哈哈哈", predicted="greet", confidence=0.35, reasons=["low_confidence"]),
    ReviewRow(id="c3", text="可以帮我包成礼物吗", predicted="thank", confidence=0.2, reasons=["far"]),
]


def review_rows() -> List[ReviewRow]:
    return [ReviewRow(**{**row.__dict__, "reasons": list(row.reasons)}) for row in ROWS]


@pytest.fixture
def roles_file(tmp_path: Path) -> Path:
    """alice is a trainer, bob an agent (same passwords as conftest, so sign_in works)."""
    path = tmp_path / "agents.yml"
    directory = AgentDirectory(path)
    directory.save(Agent("alice", "小美", hash_password(PASSWORDS["alice"]), role="trainer"))
    directory.save(Agent("bob", "阿波", hash_password(PASSWORDS["bob"])))
    return path


@pytest.fixture(params=["review.csv", "review.yml"])
def review_file(request, tmp_path: Path) -> Path:
    path = tmp_path / "trainer" / request.param
    write_review(review_rows(), path)
    return path


@pytest.fixture
async def inbox_client(tmp_path: Path, roles_file: Path, review_file: Path, rasa_down_url: str):
    settings = Settings(secret=b"test-secret", rasa_url=rasa_down_url,
                        ticket_store_url=f"sqlite:///{tmp_path / 'tickets.sqlite'}",
                        agents_file=roles_file, review_file=review_file)
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
async def trainer(inbox_client: TestClient):
    return await sign_in(inbox_client, "alice")


async def label(client: TestClient, headers, row_id: str, value: str):
    return await client.post(f"/api/inbox/{row_id}/label", json={"label": value}, headers=headers)


# ---------------------------------------------------------------- access


async def test_a_trainer_gets_the_page(inbox_client, trainer):
    response = await inbox_client.get("/inbox", headers=trainer)
    assert response.status == 200
    page = await response.text()
    assert '<script src="/static/inbox.js">' in page
    assert "<script>" not in page  # CSP: no inline script
    for asset in ("/static/inbox.js", "/static/inbox.css"):
        assert (await inbox_client.get(asset)).status == 200


async def test_an_agent_gets_a_403_page_saying_how_to_become_a_trainer(inbox_client):
    bob = await sign_in(inbox_client, "bob")
    response = await inbox_client.get("/inbox", headers=bob)
    assert response.status == 403
    assert "--role trainer" in await response.text()
    assert (await inbox_client.get("/api/inbox/next", headers=bob)).status == 403
    assert (await label(inbox_client, bob, "a1", "greet")).status == 403


async def test_anonymous_is_sent_to_sign_in_and_the_api_says_401(inbox_client, review_file):
    response = await inbox_client.get("/inbox", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/console"
    assert (await inbox_client.get("/api/inbox/next")).status == 401
    assert (await inbox_client.post("/api/inbox/a1/label", json={"label": "greet"})).status == 401
    assert all(row.label == "" for row in read_review(review_file))


async def test_the_console_links_to_the_inbox_for_trainers_only(inbox_client, trainer):
    assert 'href="/inbox"' in await (await inbox_client.get("/console", headers=trainer)).text()
    bob = await sign_in(inbox_client, "bob")
    assert 'href="/inbox"' not in await (await inbox_client.get("/console", headers=bob)).text()


async def test_a_label_from_another_site_is_refused(inbox_client, trainer):
    response = await inbox_client.post("/api/inbox/a1/label", json={"label": "greet"},
                                       headers={**trainer, "Origin": "https://evil.example"})
    assert response.status == 403


# ---------------------------------------------------------------- the next row


async def test_next_gives_the_first_unlabelled_row_with_guess_alternatives_and_intents(inbox_client, trainer):
    body = await (await inbox_client.get("/api/inbox/next", headers=trainer)).json()
    assert body["done"] is False
    assert (body["position"], body["total"], body["labelled"]) == (1, 3, 0)
    item = body["item"]
    assert item["id"] == "a1" and item["text"] == "这件外套能机洗吗"
    assert item["predicted"] == "ask_size" and item["confidence"] == pytest.approx(0.41)
    assert item["alternatives"] == [
        {"name": "greet", "confidence": 0.3}, {"name": "thank", "confidence": 0.2}]
    assert item["reasons"] == ["low_confidence", "close_call"]
    assert body["intents"] == known_intents() and "greet" in body["intents"]


# ---------------------------------------------------------------- labelling


async def test_labelling_writes_the_review_file_and_moves_on(inbox_client, trainer, review_file):
    response = await label(inbox_client, trainer, "a1", "greet")
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["labelled"] == {"id": "a1", "label": "greet", "new_intent": False}
    assert body["next"]["item"]["id"] == "b2" and body["next"]["position"] == 2

    rows = read_review(review_file)
    assert [row.label for row in rows] == ["greet", "", ""]
    # Everything else survives the round trip through the review module.
    original = review_rows()
    assert [(r.id, r.text, r.predicted, r.confidence, r.alt1, r.alt2, r.reasons) for r in rows] == [
        (r.id, r.text, r.predicted, r.confidence, r.alt1, r.alt2, r.reasons) for r in original]
    assert not [p for p in review_file.parent.iterdir() if p != review_file]  # no temp file left


async def test_skip_and_not_a_question_are_stored_and_done_at_the_end(inbox_client, trainer, review_file):
    await label(inbox_client, trainer, "a1", "skip")
    await label(inbox_client, trainer, "b2", "not_a_question")
    body = await (await label(inbox_client, trainer, "c3", "thank")).json()
    assert [row.label for row in read_review(review_file)] == ["skip", "not_a_question", "thank"]
    assert body["next"]["done"] is True and body["next"]["item"] is None
    assert (body["next"]["position"], body["next"]["total"]) == (3, 3)


async def test_a_new_intent_is_stored_by_name_with_a_note(inbox_client, trainer, review_file):
    response = await label(inbox_client, trainer, "c3", "new:ask_gift_wrap")
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["labelled"]["new_intent"] is True
    assert body["next"]["new_intents"] == ["ask_gift_wrap"]
    assert "--create-intent ask_gift_wrap" in body["next"]["apply_command"]
    row = read_review(review_file)[2]
    assert (row.label, row.note) == ("ask_gift_wrap", NEW_INTENT_NOTE)
    # Once named, it can be picked like an intent.
    assert (await label(inbox_client, trainer, "b2", "ask_gift_wrap")).status == 200


@pytest.mark.parametrize(
    "value", ["no_such_intent", "new:AskGift", "new:ask gift", "new:", "new:skip", "", 3, None])
async def test_unknown_labels_are_refused_naming_the_field(inbox_client, trainer, review_file, value):
    response = await inbox_client.post("/api/inbox/a1/label", json={"label": value}, headers=trainer)
    assert response.status == 400
    assert (await response.json())["field"] == "label"
    assert read_review(review_file)[0].label == ""


async def test_an_unknown_row_is_404(inbox_client, trainer):
    response = await label(inbox_client, trainer, "zz9", "greet")
    assert response.status == 404 and (await response.json())["field"] == "id"


async def test_undo_clears_the_label_and_the_row_comes_back(inbox_client, trainer, review_file):
    await label(inbox_client, trainer, "a1", "new:ask_washing")
    response = await inbox_client.post("/api/inbox/a1/undo", headers=trainer)
    assert response.status == 200
    assert (await response.json())["next"]["item"]["id"] == "a1"
    row = read_review(review_file)[0]
    assert (row.label, row.note) == ("", "")


# ---------------------------------------------------------------- no review file


async def test_without_a_review_file_the_page_and_api_say_to_run_mine(inbox_client, trainer, review_file):
    review_file.unlink()
    page = await (await inbox_client.get("/inbox", headers=trainer)).text()
    assert "python -m bot.trainer mine" in page and 'src="/static/inbox.js"' not in page
    response = await inbox_client.get("/api/inbox/next", headers=trainer)
    assert response.status == 404
    assert "python -m bot.trainer mine" in (await response.json())["error"]
    assert (await label(inbox_client, trainer, "a1", "greet")).status == 404


# ---------------------------------------------------------------- roles in the agents file and its CLI


def test_an_agents_file_without_roles_still_loads_as_agents(tmp_path):
    path = tmp_path / "agents.yml"
    path.write_text(yaml.safe_dump({"agents": [
        {"name": "old", "display_name": "老", "password_hash": hash_password("old-password")},
        {"name": "typo", "password_hash": hash_password("typo-password"), "role": "admin"},
    ]}), encoding="utf-8")
    agents = AgentDirectory(path).load()
    assert agents["old"].role == "agent" and not agents["old"].is_trainer
    assert agents["typo"].role == "agent"


def test_the_cli_adds_a_trainer_and_keeps_the_role_on_a_password_change(tmp_path, monkeypatch, capsys):
    path = tmp_path / "agents.yml"
    monkeypatch.setattr("sys.stdin", io.StringIO("trainer-password\n"))
    argv = ["add", "carol", "--role", "trainer", "--password-stdin", "--file", str(path)]
    assert agents_cli.main(argv) == 0
    assert "trainer carol" in capsys.readouterr().out
    assert AgentDirectory(path).get("carol").is_trainer
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["agents"][0]["role"] == "trainer"

    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert agents_cli.main(["add", "carol", "--password-stdin", "--file", str(path)]) == 0
    assert AgentDirectory(path).get("carol").is_trainer
    assert AgentDirectory(path).verify("carol", "another-password") is not None

    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert agents_cli.main(["add", "dave", "--password-stdin", "--file", str(path)]) == 0
    assert AgentDirectory(path).get("dave").role == "agent"
    with pytest.raises(SystemExit):
        agents_cli.main(["add", "erin", "--role", "boss", "--password-stdin", "--file", str(path)])


def test_the_review_file_setting_comes_from_the_environment(tmp_path):
    env = {**SERVICE_ENV, "XIAODIAN_REVIEW_FILE": str(tmp_path / "r.yml")}
    assert settings_from_env(env).review_file == tmp_path / "r.yml"
    default = settings_from_env(SERVICE_ENV).review_file
    assert default.parts[-3:] == ("var", "trainer", "review.csv")
