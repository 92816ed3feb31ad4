"""Agents who may sign in to the console: the agents file (YAML, salted scrypt hashes) and its CLI.

Add or update an agent (prompts for the password twice)::

    python -m bot.web.agents add xiaomei --display-name 小美
    echo 'secret' | python -m bot.web.agents add xiaomei --password-stdin
    python -m bot.web.agents add laowang --role trainer    # may also label messages in /inbox
    python -m bot.web.agents add lihua --role supervisor   # sees every ticket, approves concessions, reads the report
    python -m bot.web.agents role xiaomei supervisor       # change a role (the password stays)
    python -m bot.web.agents remove xiaomei                # signs them out at once: the file is read on every request

A row's ``role`` is ``agent`` (the default, also for files written before roles existed), ``trainer``
(an agent who may also label the trainer's review file) or ``supervisor`` (an agent who also sees every
ticket, approves concessions above the agents' limit and reads the service report).

There is no default agent and no default password: without the file nobody can sign in.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot.web.settings import DEFAULT_AGENTS_FILE

#: scrypt cost: about 50 ms and 16 MB per check, enough to slow guessing, fast enough to sign in.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")
MIN_PASSWORD = 8
AGENT, TRAINER, SUPERVISOR = "agent", "trainer", "supervisor"
ROLES = (AGENT, TRAINER, SUPERVISOR)


@dataclass(frozen=True)
class Agent:
    """A person who answers buyers in the console."""

    name: str
    display_name: str
    password_hash: str
    #: ``agent``, ``trainer`` or ``supervisor``; trainers and supervisors can do everything an agent can,
    #: a trainer also labels in /inbox, a supervisor also sees every ticket, decides concessions and reads
    #: the report.
    role: str = AGENT

    @property
    def is_trainer(self) -> bool:
        return self.role == TRAINER

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` for a new random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """True when ``password`` matches a hash made by :func:`hash_password`."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual.hex(), digest)


_UNKNOWN_NAME_HASH: List[str] = []


def _unknown_name_hash() -> str:
    """A hash no password matches, made once, for checking unknown names (as costly as a real check)."""
    if not _UNKNOWN_NAME_HASH:
        _UNKNOWN_NAME_HASH.append(hash_password(secrets.token_hex(16)))
    return _UNKNOWN_NAME_HASH[0]


class AgentDirectory:
    """The agents file, read on every use so an agent added while the service runs can sign in at once.

    Args:
        path: the YAML file (``agents: [{name, display_name, password_hash, role}]``; role optional).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> Dict[str, Agent]:
        if not self.exists():
            return {}
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        agents = {}
        for row in data.get("agents") or []:
            if isinstance(row, dict) and row.get("name") and row.get("password_hash"):
                name = str(row["name"])
                # An unknown role (a typo in a hand-edited file) gets the least rights, not an error.
                role = str(row.get("role") or AGENT)
                agents[name] = Agent(
                    name,
                    str(row.get("display_name") or name),
                    str(row["password_hash"]),
                    role if role in ROLES else AGENT,
                )
        return agents

    def get(self, name: str) -> Optional[Agent]:
        return self.load().get(name)

    def verify(self, name: str, password: str) -> Optional[Agent]:
        """The agent when the name and password match, else None.

        An unknown name costs exactly what a known one does (one scrypt check against a hash made once),
        so timing does not tell which names exist. Slow on purpose: call it off the event loop.
        """
        agent = self.get(name)
        if agent is None:
            check_password(password, _unknown_name_hash())
            return None
        return agent if check_password(password, agent.password_hash) else None

    def save(self, agent: Agent) -> None:
        """Add or replace one agent; the file is written with mode 0600."""
        agents = self.load()
        agents[agent.name] = agent
        self._write(agents)

    def remove(self, name: str) -> bool:
        """Remove one agent (they are signed out on their next request); False when there was none."""
        agents = self.load()
        if agents.pop(name, None) is None:
            return False
        self._write(agents)
        return True

    def _write(self, agents: Dict[str, Agent]) -> None:
        rows: List[dict] = [
            {"name": a.name, "display_name": a.display_name, "role": a.role, "password_hash": a.password_hash}
            for a in agents.values()
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "# 客服账号（由 python -m bot.web.agents add 生成；不要手工写密码）\n" + yaml.safe_dump(
            {"agents": rows}, allow_unicode=True, sort_keys=False
        )
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, self.path)


ROLE_HELP = ("agent (default for a new name); trainer: may also label in /inbox; supervisor: sees every ticket, "
             "approves concessions, reads the report")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web.agents", description="Manage console agents.")
    sub = parser.add_subparsers(dest="command", required=True)
    default_file = Path(os.environ.get("XIAODIAN_AGENTS_FILE") or DEFAULT_AGENTS_FILE)
    add = sub.add_parser("add", help="add an agent, or change an agent's password or role")
    add.add_argument("name", help="sign-in name: lower-case letters, digits, - _ .")
    add.add_argument("--display-name", help="name shown to colleagues (default: the sign-in name)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--role", choices=ROLES, help=ROLE_HELP)
    add.add_argument("--file", type=Path, default=default_file)
    remove = sub.add_parser("remove", help="remove an agent (signed out at once)")
    remove.add_argument("name")
    remove.add_argument("--file", type=Path, default=default_file)
    role = sub.add_parser("role", help="change an agent's role (the password stays)")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES, help=ROLE_HELP)
    role.add_argument("--file", type=Path, default=default_file)
    args = parser.parse_args(argv)

    if not NAME_PATTERN.match(args.name):
        print("ERROR: name must be lower-case letters, digits, - _ . (up to 32)", file=sys.stderr)
        return 2
    directory = AgentDirectory(args.file)
    if args.command == "remove":
        if not directory.remove(args.name):
            print(f"ERROR: no agent {args.name} in {args.file}", file=sys.stderr)
            return 1
        print(f"Removed {args.name} from {args.file} (signed out on their next request)")
        return 0
    if args.command == "role":
        old = directory.get(args.name)
        if old is None:
            print(f"ERROR: no agent {args.name} in {args.file}; add them first", file=sys.stderr)
            return 1
        directory.save(Agent(old.name, old.display_name, old.password_hash, args.role))
        print(f"{args.name} ({old.display_name}) is now {args.role} in {args.file}")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            print("ERROR: the two passwords differ", file=sys.stderr)
            return 2
    if len(password) < MIN_PASSWORD:
        print(f"ERROR: the password needs at least {MIN_PASSWORD} characters", file=sys.stderr)
        return 2
    old = directory.get(args.name)
    display = args.display_name or (old.display_name if old else args.name)
    # Changing a password keeps the role unless --role says otherwise.
    role = args.role or (old.role if old else AGENT)
    directory.save(Agent(args.name, display, hash_password(password), role))
    print(f"{'Updated' if old else 'Added'} {role} {args.name} ({display}) in {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
