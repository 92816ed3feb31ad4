"""The credentials the stack's services show each other, made fresh at every start and given by environment.

Four secrets, each known only to the two sides that use it, none ever on a command line, in a URL, in a
file or in a log:

- ``rasa_jwt`` (web service -> Rasa): signs the JWTs of Rasa's HTTP API and the shop page channel;
- ``actions_token`` (Rasa -> action server): the bearer token the action server wants on every call;
- ``identity`` (web service -> action server, through Rasa): signs the buyer's identity in each message;
- ``ticket_token`` (action server -> web service): the bearer token to open hand-off tickets.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Dict

RASA_JWT_ENV = "XIAODIAN_RASA_JWT_SECRET"
ACTIONS_TOKEN_ENV = "XIAODIAN_ACTIONS_TOKEN"
IDENTITY_ENV = "XIAODIAN_IDENTITY_SECRET"
TICKET_TOKEN_ENV = "XIAODIAN_ACTION_TOKEN"


@dataclass(frozen=True)
class StackSecrets:
    """One start's secrets (see the module docstring for who holds which)."""

    rasa_jwt: str
    actions_token: str
    identity: str
    ticket_token: str

    @classmethod
    def generate(cls) -> "StackSecrets":
        """Four independent 256-bit secrets."""
        return cls(*(secrets.token_urlsafe(32) for _ in range(4)))

    def for_rasa(self) -> Dict[str, str]:
        """Rasa checks the web service's JWTs and sends the action server's token (endpoints file)."""
        return {RASA_JWT_ENV: self.rasa_jwt, ACTIONS_TOKEN_ENV: self.actions_token}

    def for_actions(self) -> Dict[str, str]:
        """The action server checks Rasa's token and buyer identities, and opens tickets."""
        return {ACTIONS_TOKEN_ENV: self.actions_token, IDENTITY_ENV: self.identity,
                TICKET_TOKEN_ENV: self.ticket_token}

    def for_web(self) -> Dict[str, str]:
        """The web service talks to Rasa, signs buyer identities and checks the action server's tickets."""
        return {RASA_JWT_ENV: self.rasa_jwt, IDENTITY_ENV: self.identity, TICKET_TOKEN_ENV: self.ticket_token}
