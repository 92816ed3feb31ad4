"""``python -m actions.server --port N``: the action server (rasa_sdk), answering only the Rasa server.

rasa_sdk's own server answers anyone who can reach its port: a made-up tracker would run any action for
any buyer. This one is the same app (rasa_sdk.endpoint.create_app, the same routes and answers) with
every route behind ``Authorization: Bearer <XIAODIAN_ACTIONS_TOKEN>``, the header Rasa sends from
``action_endpoint.headers`` in endpoints.yml. Without the token set it refuses to start. No CORS: no
browser ever calls it.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import List, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request

TOKEN_ENV = "XIAODIAN_ACTIONS_TOKEN"
MIN_TOKEN = 16
logger = logging.getLogger(__name__)


def token_from_env() -> bytes:
    """The shared token, or SystemExit with what to do (never run open)."""
    token = os.environ.get(TOKEN_ENV, "")
    if len(token) < MIN_TOKEN:
        raise SystemExit(f"ERROR: {TOKEN_ENV} must be set (at least {MIN_TOKEN} characters): Rasa sends it to "
                         "the action server, which answers nobody else. `make run` makes one per start.")
    return token.encode()


def authorized(token: bytes, header: Optional[str]) -> bool:
    """True for ``Bearer <token>`` (compared in constant time, as bytes, so any header text is safe)."""
    given = (header or "").encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, b"Bearer " + token)


def build_app(token: bytes, package: str = "actions"):
    """rasa_sdk's action server app with the bearer check in front of every route."""
    app = create_app(package, cors_origins=[])

    @app.on_request
    async def require_token(request: Request):
        if not authorized(token, request.headers.get("Authorization")):
            return response.json({"error": "Authorization: Bearer <XIAODIAN_ACTIONS_TOKEN> required"}, status=401)
        return None

    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default=os.environ.get("SANIC_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    token = token_from_env()
    utils.configure_colored_logging("INFO")
    logging.getLogger(APPLICATION_ROOT_LOGGER_NAME).setLevel(logging.INFO)
    utils.update_sanic_log_level()
    app = build_app(token)
    logger.info("Action server on http://%s:%s (Rasa's token required)", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
