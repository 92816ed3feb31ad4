"""The trainer's inbox: the review file labelled one message at a time (page, JSON API, atomic write-back).

The review file is the one `python -m bot.trainer mine` writes and `python -m bot.trainer apply`
reads; this module only fills in its ``label`` (and ``note``) through :mod:`bot.trainer.review`, so
the two commands and the page share one definition of the file.

Labels: an intent of domain.yml; ``new:<snake_case>`` for an intent the trainer names (stored as the
bare name with a note, to be created by ``apply --create-intent <name>``); ``skip``; ``not_a_question``.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml
from aiohttp import web

from bot.trainer.apply import domain_intents
from bot.trainer.nlu_files import SKIP_LABELS
from bot.trainer.review import ReviewRow, parse_alternative, read_review, replace_review
from bot.web import keys
from bot.web.console import Handler, current_agent
from bot.web.pages import render
from bot.web.requests import BadRequest, json_error, origin_allowed, read_json
from bot.web.settings import REPO_DIR

MINE_COMMAND = "python -m bot.trainer mine"
ADD_TRAINER_COMMAND = "python -m bot.web.agents add <name> --role trainer"
NEW_PREFIX = "new:"
#: Put in the note of a row labelled with a new intent, so a reader of the file sees why apply refuses it.
NEW_INTENT_NOTE = "new intent 新意图"
MAX_NOTE = 500
MAX_INTENT = 64
_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_MISSING = f"还没有待标注文件：先运行 {MINE_COMMAND} (no review file yet: run {MINE_COMMAND} first)"


# ---------------------------------------------------------------- the review file


def load_rows(path: Path) -> List[ReviewRow]:
    """The review rows; FileNotFoundError when `mine` has not written the file yet."""
    return read_review(path)


def save_rows(rows: Sequence[ReviewRow], path: Path) -> None:
    """Writes the review file atomically (bot.trainer.review.replace_review): never half a file."""
    replace_review(list(rows), path)


def known_intents(project_root: Path = REPO_DIR) -> List[str]:
    """The intents of domain.yml, in the file's order."""
    return domain_intents(project_root)


def pending_new_intents(rows: Sequence[ReviewRow], known: Sequence[str]) -> List[str]:
    """Labels already in the file that are not intents of the domain yet (named with ``new:``)."""
    known_set = set(known) | SKIP_LABELS
    return sorted({row.label for row in rows if row.label and row.label not in known_set})


def parse_label(raw: Any, known: Sequence[str], pending: Sequence[str]) -> Tuple[str, bool]:
    """The label to store and whether it names a new intent.

    Raises:
        BadRequest: naming the field ``label`` when it is not an intent, ``new:<snake_case>``,
            ``skip`` or ``not_a_question``.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise BadRequest("label is required 请选择意图", "label")
    label = raw.strip()
    if label in SKIP_LABELS or label in known:
        return label, False
    if label in pending:
        return label, True
    if label.startswith(NEW_PREFIX):
        name = label[len(NEW_PREFIX):].strip()
        if name in SKIP_LABELS or not _SNAKE_CASE.fullmatch(name) or len(name) > MAX_INTENT:
            raise BadRequest(
                "label: a new intent needs an English snake_case name, e.g. new:ask_gift_wrap "
                "新意图名须为英文小写加下划线",
                "label",
            )
        return name, name not in known
    raise BadRequest(
        f"label {label!r} is not an intent of domain.yml, new:<name>, skip or not_a_question 未知的标注",
        "label",
    )


def _without_marker(note: str) -> str:
    return note.replace(NEW_INTENT_NOTE, "").strip(" ;")


def _with_marker(note: str) -> str:
    note = _without_marker(note)
    return f"{NEW_INTENT_NOTE}; {note}" if note else NEW_INTENT_NOTE


def _alternatives(row: ReviewRow) -> List[Dict[str, Any]]:
    alternatives = []
    for cell in (row.alt1, row.alt2, row.alt3):
        try:
            score = parse_alternative(cell)
        except ValueError:
            # Edited by hand in a spreadsheet: still offer the name.
            alternatives.append({"name": cell.strip(), "confidence": None})
            continue
        if score is not None:
            alternatives.append({"name": score.name, "confidence": score.confidence})
    return alternatives


def item_json(row: ReviewRow) -> Dict[str, Any]:
    """One row as the page shows it."""
    return {
        "id": row.id,
        "text": row.text,
        "predicted": row.predicted,
        "confidence": row.confidence,
        "alternatives": _alternatives(row),
        "reasons": list(row.reasons),
        "label": row.label,
        "note": row.note,
    }


def next_payload(rows: Sequence[ReviewRow], known: Sequence[str]) -> Dict[str, Any]:
    """The next unlabelled row with progress, the domain's intents and the new ones named so far."""
    labelled = sum(1 for row in rows if row.label)
    pending = pending_new_intents(rows, known)
    row = next((row for row in rows if not row.label), None)
    apply_command = " ".join(
        ["python -m bot.trainer apply"] + [f"--create-intent {name}" for name in pending]
    )
    return {
        "done": row is None,
        "position": min(labelled + 1, len(rows)),
        "labelled": labelled,
        "total": len(rows),
        "item": item_json(row) if row else None,
        "intents": list(known),
        "new_intents": pending,
        "apply_command": apply_command,
    }


# ---------------------------------------------------------------- access


def trainer_only(handler: Handler) -> Handler:
    """A signed-in trainer (401 / 403 JSON otherwise) and, for writes, a same-site Origin."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        agent = current_agent(request)
        if agent is None:
            return json_error(401, "sign in to the console first 请先登录客服后台")
        if not agent.is_trainer:
            return json_error(403, "the inbox is for trainers 仅训练师可以标注")
        if request.method != "GET" and not origin_allowed(request, request.app[keys.settings_key].public_url):
            return json_error(403, "Origin not allowed", "Origin")
        request["agent"] = agent
        return await handler(request)

    return wrapper


def _review_path(request: web.Request) -> Path:
    return Path(request.app[keys.settings_key].review_file)


def _read(request: web.Request) -> Tuple[Optional[List[ReviewRow]], Optional[web.Response]]:
    path = _review_path(request)
    try:
        return load_rows(path), None
    except FileNotFoundError:
        body = {"error": _MISSING, "field": None, "command": MINE_COMMAND, "review_file": str(path)}
        return None, web.json_response(body, status=404)
    except (ValueError, KeyError, TypeError, AttributeError, csv.Error, yaml.YAMLError) as error:
        return None, json_error(500, f"cannot read the review file {path}: {error} 待标注文件格式有误")


# ---------------------------------------------------------------- handlers


async def inbox_page(request: web.Request) -> web.StreamResponse:
    """GET /inbox: the labelling page for trainers; the sign-in page first; 403 page for agents."""
    agent = current_agent(request)
    if agent is None:
        raise web.HTTPSeeOther("/console")
    if not agent.is_trainer:
        return render("inbox.html", status=403, agent=agent, state="forbidden",
                      command=ADD_TRAINER_COMMAND, review_file="")
    path = _review_path(request)
    state = "ready" if path.is_file() else "missing"
    return render("inbox.html", agent=agent, state=state, command=MINE_COMMAND, review_file=str(path))


@trainer_only
async def next_item(request: web.Request) -> web.Response:
    """GET /api/inbox/next: the next unlabelled row, ``position``/``total``, the intents to choose from."""
    rows, error = _read(request)
    if error is not None:
        return error
    return web.json_response(next_payload(rows, known_intents()))


def _find(rows: Sequence[ReviewRow], row_id: str) -> Optional[ReviewRow]:
    return next((row for row in rows if row.id == row_id), None)


@trainer_only
async def label(request: web.Request) -> web.Response:
    """POST /api/inbox/{id}/label ``{"label": ..., "note"?: ...}``: stores the label; answers the next row."""
    try:
        body = await read_json(request)
        note = body.get("note")
        if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
            raise BadRequest(f"note must be text of at most {MAX_NOTE} characters 备注太长", "note")
    except BadRequest as error:
        return error.response()
    # Read, change and write with no await in between: requests of one process cannot interleave.
    rows, error = _read(request)
    if error is not None:
        return error
    known = known_intents()
    try:
        value, is_new = parse_label(body.get("label"), known, pending_new_intents(rows, known))
    except BadRequest as bad:
        return bad.response()
    row = _find(rows, request.match_info["row_id"])
    if row is None:
        return json_error(404, "no such row in the review file 找不到这条消息", "id")
    row.label = value
    row.note = note.strip() if note is not None else row.note
    row.note = _with_marker(row.note) if is_new else _without_marker(row.note)
    save_rows(rows, _review_path(request))
    return web.json_response({"labelled": {"id": row.id, "label": row.label, "new_intent": is_new},
                              "next": next_payload(rows, known)})


@trainer_only
async def undo(request: web.Request) -> web.Response:
    """POST /api/inbox/{id}/undo: clears the row's label, so it comes back as the next one."""
    rows, error = _read(request)
    if error is not None:
        return error
    row = _find(rows, request.match_info["row_id"])
    if row is None:
        return json_error(404, "no such row in the review file 找不到这条消息", "id")
    row.label, row.note = "", _without_marker(row.note)
    save_rows(rows, _review_path(request))
    return web.json_response({"next": next_payload(rows, known_intents())})
