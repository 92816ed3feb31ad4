"""A fix for where the Rasa server spends its time, found by profiling it under load (issue 7).

py-spy on `rasa run` with 20 buyers chatting showed 73 % of the server's CPU in
``RemoteAction._validate_action_result``: every reply from the action server is checked with
``jsonschema.validate(result, schema)``, and jsonschema 4.17 first validates the *schema itself*
against the draft 2020-12 meta-schema on every call (``check_schema``, dynamic refs, URL joins).
The schema is Rasa's own constant, so it is checked once here and the validator kept: the same
result is accepted or refused with the same error, at a fraction of the cost.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action call
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    # The same message as Rasa's own check, so logs read the same.
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply_rasa_speedups() -> None:
    """Installs the cached action-result validation into Rasa (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, "__xiaodian__", False):
        return
    _validate_action_result.__xiaodian__ = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    logger.debug("Rasa action results are validated with a cached jsonschema validator")
