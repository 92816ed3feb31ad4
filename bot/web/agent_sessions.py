"""Agents' console sessions, so signing out ends a session for good (a copied cookie is then useless).

The cookie is signed and expires by itself (bot.web.signing); this store says which sessions are still
open. Same database and URL rule as the ticket store.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Optional

from sqlalchemy import Column, String, select, update
from sqlalchemy.orm import declarative_base

from bot.sql_store import SqlStore, UTCDateTime

Base = declarative_base()


class _Session(Base):
    __tablename__ = "agent_sessions"

    id = Column(String(64), primary_key=True)
    agent = Column(String(64), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    revoked_at = Column(UTCDateTime)


class AgentSessions(SqlStore):
    """Open and revoked console sessions (see SqlStore for ``url``)."""

    metadata = Base.metadata

    def open(self, agent: str, now: datetime, expires_at: datetime) -> str:
        """A new session for ``agent``; returns its id (256 random bits)."""
        session_id = secrets.token_urlsafe(32)
        with self._transaction() as session:
            session.add(_Session(id=session_id, agent=agent, created_at=now, expires_at=expires_at))
        return session_id

    def is_open(self, session_id: str, agent: str, now: datetime) -> bool:
        """True for a session of ``agent`` that is neither revoked nor expired."""
        with self._sessions() as session:
            row: Optional[_Session] = session.get(_Session, session_id)
            return bool(row and row.agent == agent and row.revoked_at is None and row.expires_at > now)

    def revoke(self, session_id: str, now: datetime) -> None:
        """End one session (sign-out)."""
        with self._transaction() as session:
            session.execute(update(_Session).where(_Session.id == session_id, _Session.revoked_at.is_(None))
                            .values(revoked_at=now))

    def revoke_agent(self, agent: str, now: datetime) -> int:
        """End every open session of ``agent`` (removed, or password changed); returns how many."""
        with self._transaction() as session:
            result = session.execute(update(_Session).where(_Session.agent == agent, _Session.revoked_at.is_(None))
                                     .values(revoked_at=now))
            return int(result.rowcount or 0)

    def open_count(self, agent: str, now: datetime) -> int:
        with self._sessions() as session:
            rows = session.execute(select(_Session.id).where(
                _Session.agent == agent, _Session.revoked_at.is_(None), _Session.expires_at > now)).all()
            return len(rows)
