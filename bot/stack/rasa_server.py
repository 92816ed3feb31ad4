"""``python -m bot.stack.rasa_server <rasa run arguments>``: ``rasa run`` with its HTTP API behind a JWT.

Rasa takes its JWT secret only as a command-line option (``--jwt-secret``), and a process's command line
is readable by every user of the machine (``ps``). The launcher starts Rasa through this module instead,
with the secret in the environment (``XIAODIAN_RASA_JWT_SECRET``, readable by the owner only); it is put
into Rasa's arguments here, inside the process. The API is always on and always behind the token, and
the same secret guards the shop page channel (bot.rasa_channel).
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

from bot import rasa_auth


def rasa_arguments(arguments: List[str], secret: bytes) -> List[str]:
    """``rasa run`` with the caller's arguments, the API on and the JWT secret."""
    if any(a == "--jwt-secret" or a.startswith("--jwt-secret=") or a in ("-t", "--auth-token") for a in arguments):
        raise SystemExit("ERROR: give the secret in XIAODIAN_RASA_JWT_SECRET, not on the command line")
    # "--option=value": a secret starting with "-" (token_urlsafe makes one in 64) is not read as an option.
    return ["run", *arguments, "--enable-api", "--jwt-method=HS256", f"--jwt-secret={secret.decode()}"]


def main(argv: Optional[List[str]] = None) -> None:
    try:
        secret = rasa_auth.secret_from_env(os.environ)
    except rasa_auth.RasaAuthError as error:
        raise SystemExit(f"ERROR: {error}") from None
    sys.argv = ["rasa", *rasa_arguments(list(sys.argv[1:] if argv is None else argv), secret)]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
