"""Fixes for where the Rasa server spends its time, found by profiling it under load (issue 7).

1. py-spy on `rasa run` with 20 buyers chatting showed 73 % of the server's CPU in
``RemoteAction._validate_action_result``: every reply from the action server is checked with
``jsonschema.validate(result, schema)``, and jsonschema 4.17 first validates the *schema itself*
against the draft 2020-12 meta-schema on every call (``check_schema``, dynamic refs, URL joins).
The schema is Rasa's own constant, so it is checked once here and the validator kept: the same
result is accepted or refused with the same error, at a fraction of the cost.

   The schema's events are a ``oneOf`` over every event type, each branch told apart by its
``event`` constant; jsonschema tries every branch for every event. The fast check validates each event
against its own branch only (the same verdict: at most one branch can match), and anything it does
not accept goes through the full validator, so a bad result gets exactly Rasa's error.

2. ``Event.resolve_by_type`` walks every subclass of ``Event`` (``all_subclasses``, with
``inspect.isabstract`` on each) for every event it deserialises: about 10 % of the server's CPU,
because the tracker store and the action server's replies are read back event by event. Here the
type names are looked up in a dictionary, rebuilt when a name is not found (a class defined later).

3. ``EndpointConfig.request`` opens a new ``aiohttp.ClientSession`` for every call, so every action
call pays a new TCP connection (and the session's set-up and tear-down). Here each endpoint keeps one
session per event loop and reuses its keep-alive connections; the request is otherwise the same.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
import os
import ssl
from typing import Any, Dict, Optional, Tuple

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action call
    return validator_class(schema)


@functools.lru_cache(maxsize=1)
def _fast_action_result_check() -> Optional[Tuple[Any, Dict[str, Any]]]:
    """A validator for the result without its per-event ``oneOf``, and one validator per event type;
    None when Rasa's schema is not shaped as expected (then only the full check runs)."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    try:
        items = schema["properties"]["events"]["items"]
        branches = items.pop("oneOf")
    except (KeyError, TypeError):
        return None
    validator_class = validator_for(schema)
    by_event: Dict[str, Any] = {}
    for branch in branches:
        name = branch.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_event:
            return None
        by_event[name] = validator_class(branch)
    return validator_class(schema), by_event


def _passes_fast_check(result: Any) -> bool:
    """True only when the result is certainly valid; False means "ask the full validator"."""
    check = _fast_action_result_check()
    if check is None:
        return False
    without_events_choice, by_event = check
    if not without_events_choice.is_valid(result):
        return False
    for event in result.get("events") or []:
        branch = by_event.get(event.get("event"))
        if branch is None or not branch.is_valid(event):
            return False
    return True


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    if _passes_fast_check(result):
        return True
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


_event_classes: Dict[str, Any] = {}


def _resolve_event_by_type(type_name: str, default: Optional[Any] = None) -> Optional[Any]:
    """``Event.resolve_by_type`` from a dictionary of type names (same result, same errors)."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    found = _event_classes.get(type_name)
    if found is None:
        _event_classes.clear()
        for subclass in all_subclasses(Event):  # the first class of a name wins, as in Rasa's loop
            _event_classes.setdefault(subclass.type_name, subclass)
        found = _event_classes.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # Rasa's backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def _shared_session(endpoint: Any) -> Any:
    """The endpoint's client session on the running event loop, opened on first use.

    Kept on the endpoint object itself (Rasa builds the action endpoint once), one per loop because an
    aiohttp session belongs to the loop it was opened on (tests and ``rasa shell`` start new loops).
    """
    loop = asyncio.get_running_loop()
    sessions: Dict[Any, Any] = endpoint.__dict__.setdefault("_xiaodian_sessions", {})
    session = sessions.get(loop)
    if session is None or session.closed:
        for old_loop in [known for known in sessions if known.is_closed()]:
            del sessions[old_loop]
        session = sessions[loop] = endpoint.session()
    return session


async def _request(
    self: Any,
    method: str = "post",
    subpath: Optional[str] = None,
    content_type: Optional[str] = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Optional[Any]:
    """``EndpointConfig.request`` over the endpoint's shared keep-alive session (same arguments,
    headers, parameters, certificate handling, errors and result as Rasa 3.6's)."""
    from aiohttp import ContentTypeError

    from rasa.shared.exceptions import FileNotFoundException
    from rasa.utils.endpoints import ClientResponseError, concat_url

    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if "headers" in kwargs:
        headers.update(kwargs.pop("headers"))
    if self.headers:
        headers.update(self.headers)
    url = concat_url(self.url, subpath)
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as error:
            raise FileNotFoundException(
                f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist."
            ) from error
    async with _shared_session(self).request(
        method, url, headers=headers, params=self.combine_parameters(kwargs), compress=compress,
        ssl=sslcontext, **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(response.status, response.reason, await response.content.read())
        try:
            return await response.json()
        except ContentTypeError:
            return None


def apply_rasa_speedups() -> None:
    """Installs the fast action-result validation, the event-type dictionary and the keep-alive
    endpoint requests into Rasa (idempotent)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    if not getattr(RemoteAction._validate_action_result, "__xiaodian__", False):
        _validate_action_result.__xiaodian__ = True  # type: ignore[attr-defined]
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
        logger.debug("Rasa action results are validated with a cached jsonschema validator")
    if not getattr(EndpointConfig.request, "__xiaodian__", False):
        _request.__xiaodian__ = True  # type: ignore[attr-defined]
        EndpointConfig.request = _request  # type: ignore[assignment]
        logger.debug("Rasa's endpoint requests reuse one keep-alive session per endpoint")
    if not getattr(Event.resolve_by_type, "__xiaodian__", False):
        _resolve_event_by_type.__xiaodian__ = True  # type: ignore[attr-defined]
        Event.resolve_by_type = staticmethod(_resolve_event_by_type)  # type: ignore[assignment]
        logger.debug("Rasa resolves event type names from a dictionary")
