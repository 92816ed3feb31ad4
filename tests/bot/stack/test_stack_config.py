"""The launcher's parts that need no running stack: secrets, the endpoints file, settings checks, file modes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from bot.stack.endpoints import PostgresTracker, RedisLocks, SqliteTracker, endpoints_text, write_endpoints
from bot.stack.launcher import StackConfig, secure_dir
from bot.stack.rasa_server import rasa_arguments
from bot.stack.secrets import StackSecrets


def test_each_start_makes_three_different_strong_secrets():
    first, second = StackSecrets.generate(), StackSecrets.generate()
    values = [first.rasa_jwt, first.actions_token, first.identity]
    assert len(set(values)) == 3 and all(len(v) >= 40 for v in values)
    assert first != second


def test_each_service_gets_only_the_secrets_it_uses():
    secrets = StackSecrets.generate()
    assert set(secrets.for_rasa()) == {"XIAODIAN_RASA_JWT_SECRET", "XIAODIAN_ACTIONS_TOKEN"}
    assert secrets.identity not in secrets.for_rasa().values()  # Rasa cannot vouch for a buyer
    assert secrets.rasa_jwt not in secrets.for_actions().values()  # the actions cannot read chats
    assert secrets.actions_token not in secrets.for_web().values()


def test_the_endpoints_file_holds_no_secret_only_placeholders(tmp_path):
    text = endpoints_text("http://127.0.0.1:5055/webhook", PostgresTracker("127.0.0.1", 5433, "rasa", "xiaodian"),
                          RedisLocks("127.0.0.1", 6380))
    data = yaml.safe_load(text)
    assert data["action_endpoint"]["headers"]["Authorization"] == "Bearer ${XIAODIAN_ACTIONS_TOKEN}"
    assert data["tracker_store"]["password"] == "${PGPASSWORD}"
    assert data["lock_store"]["password"] == "${XIAODIAN_REDIS_PASSWORD}"
    # Unquoted, or Rasa 3.6 would not fill them in.
    assert "Authorization: Bearer ${XIAODIAN_ACTIONS_TOKEN}\n" in text and "password: ${PGPASSWORD}\n" in text
    path = write_endpoints(tmp_path / "e.yml", "http://x/webhook", SqliteTracker(tmp_path / "t.db"))
    assert path.stat().st_mode & 0o777 == 0o600
    assert "tracker_store" in yaml.safe_load(path.read_text()) and "lock_store" not in path.read_text()
    assert "tracker_store" not in endpoints_text("http://x/webhook")  # memory: benchmarks


def test_rasa_reads_the_endpoints_file_with_the_secrets_filled_in(tmp_path, monkeypatch):
    from rasa.core.utils import read_endpoints_from_path

    monkeypatch.setenv("XIAODIAN_ACTIONS_TOKEN", "the-token")
    path = write_endpoints(tmp_path / "e.yml", "http://127.0.0.1:1/webhook", SqliteTracker(tmp_path / "t.db"))
    endpoints = read_endpoints_from_path(str(path))
    assert endpoints.action.headers == {"Authorization": "Bearer the-token"}


@pytest.mark.parametrize("changes, message", [
    ({"stores": "cloud"}, "stores must be"), ({"instances": 0}, "instances"), ({"instances": 2}, "shared"),
    ({"model": Path("/nonexistent.tar.gz")}, "make train"),
])
def test_a_wrong_setting_is_named(changes, message, tmp_path):
    model = tmp_path / "m.tar.gz"
    model.write_bytes(b"x")
    config = StackConfig(**{"model": model, **changes})
    with pytest.raises(ValueError, match=message):
        config.check()


def test_the_stacks_folders_and_files_are_owner_only(tmp_path):
    folder = tmp_path / "var"
    (folder / "trainer").mkdir(parents=True)
    for name in ("orders.sqlite", "trainer/review.csv"):
        (folder / name).write_text("x")
        os.chmod(folder / name, 0o644)
    os.chmod(folder / "trainer", 0o755)
    secure_dir(folder)
    assert folder.stat().st_mode & 0o777 == 0o700 and (folder / "trainer").stat().st_mode & 0o777 == 0o700
    assert (folder / "orders.sqlite").stat().st_mode & 0o777 == 0o600
    assert (folder / "trainer/review.csv").stat().st_mode & 0o777 == 0o600


def test_rasa_gets_its_secret_inside_the_process_never_on_the_command_line():
    arguments = rasa_arguments(["-p", "5005"], b"-s" * 20)
    assert arguments[:3] == ["run", "-p", "5005"] and "--enable-api" in arguments
    # One argument, so a secret that starts with "-" is not taken for an option.
    assert f"--jwt-secret={'-s' * 20}" in arguments
    for forbidden in (["--jwt-secret", "x"], ["--auth-token", "x"], ["-t", "x"]):
        with pytest.raises(SystemExit):
            rasa_arguments(forbidden, b"s" * 40)
