"""The credentials the stack's services show each other, made fresh at every start and given by environment.

Three secrets, each known only to the sides that use it, none ever on a command line, in a URL, in a file
or in a log:

- ``rasa_jwt`` (web service -> Rasa): signs the JWTs of Rasa's HTTP API and the shop page channel;
- ``actions_token`` (Rasa -> action server): the bearer token the action server wants on every call;
- ``identity`` (web service -> action server, through Rasa): signs the buyer's identity in each message.

Nothing calls the web service back: the actions attach a hand-off ticket to their reply, which the web
service opens itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Dict

RASA_JWT_ENV = "XIAODIAN_RASA_JWT_SECRET"
ACTIONS_TOKEN_ENV = "XIAODIAN_ACTIONS_TOKEN"
IDENTITY_ENV = "XIAODIAN_IDENTITY_SECRET"


@dataclass(frozen=True)
class StackSecrets:
    """One start's secrets (see the module docstring for who holds which)."""

    rasa_jwt: str
    actions_token: str
    identity: str

    @classmethod
    def generate(cls) -> "StackSecrets":
        """Three independent 256-bit secrets."""
        return cls(*(secrets.token_urlsafe(32) for _ in range(3)))

    def for_rasa(self) -> Dict[str, str]:
        """Rasa checks the web service's JWTs and sends the action server's token (endpoints file)."""
        return {RASA_JWT_ENV: self.rasa_jwt, ACTIONS_TOKEN_ENV: self.actions_token}

    def for_actions(self) -> Dict[str, str]:
        """The action server checks Rasa's token and buyer identities."""
        return {ACTIONS_TOKEN_ENV: self.actions_token, IDENTITY_ENV: self.identity}

    def for_web(self) -> Dict[str, str]:
        """The web service talks to Rasa and signs buyer identities."""
        return {RASA_JWT_ENV: self.rasa_jwt, IDENTITY_ENV: self.identity}
