"""Caseworkers and their console sessions."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.engine import TransactionSource
from bot.storage.models import Caseworker, ConsoleSession, utcnow
from bot.storage.records import (
    CaseworkerExists,
    CaseworkerNotFound,
    CaseworkerRecord,
    aware,
    caseworker_record,
    hash_token,
)
from bot.storage.rows import active_caseworker


def _normal_username(username: str) -> str:
    return username.strip().lower()


class Caseworkers:
    """Caseworker accounts and console sessions."""

    def __init__(self, transactions: TransactionSource) -> None:
        self._tx = transactions

    def add(self, username: str, display_name: str, password_hash: str) -> CaseworkerRecord:
        """Create a caseworker (usernames are case-insensitive and stored lower-case).

        Raises :class:`CaseworkerExists` if the username is taken, ValueError if a field is empty.
        """
        username = _normal_username(username)
        display_name = display_name.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise ValueError("a username has 1 to 64 characters and no spaces")
        if not display_name or len(display_name) > 128:
            raise ValueError("a display name has 1 to 128 characters")
        if not password_hash:
            raise ValueError("a caseworker needs a password hash")
        try:
            with self._tx.write() as session:
                taken = session.execute(
                    select(Caseworker.id).where(Caseworker.username == username)
                ).scalar_one_or_none()
                if taken is not None:
                    raise CaseworkerExists(f"a caseworker with username {username!r} already exists")
                row = Caseworker(username=username, display_name=display_name, password_hash=password_hash)
                session.add(row)
                session.flush()
                return caseworker_record(row)
        except IntegrityError:  # a concurrent insert of the same username
            raise CaseworkerExists(f"a caseworker with username {username!r} already exists") from None

    def get(self, caseworker_id: int) -> CaseworkerRecord:
        """The caseworker with this id (active or not), or raise :class:`CaseworkerNotFound`."""
        with self._tx.read() as session:
            row = session.get(Caseworker, caseworker_id)
            if row is None:
                raise CaseworkerNotFound(caseworker_id)
            return caseworker_record(row)

    def by_username(self, username: str) -> CaseworkerRecord | None:
        """The caseworker with this username (any case), active or not; None if unknown."""
        with self._tx.read() as session:
            row = session.execute(
                select(Caseworker).where(Caseworker.username == _normal_username(username))
            ).scalar_one_or_none()
            return None if row is None else caseworker_record(row)

    def list_all(self) -> list[CaseworkerRecord]:
        """Every caseworker, active or not, by display name."""
        with self._tx.read() as session:
            rows = session.execute(select(Caseworker).order_by(Caseworker.display_name, Caseworker.id))
            return [caseworker_record(row) for row in rows.scalars()]

    def set_active(self, username: str, active: bool) -> CaseworkerRecord | None:
        """(De)activate a caseworker (None if unknown); deactivation also ends their sessions."""
        with self._tx.write() as session:
            row = session.execute(
                select(Caseworker).where(Caseworker.username == _normal_username(username))
            ).scalar_one_or_none()
            if row is None:
                return None
            row.active = active
            if not active:
                session.execute(delete(ConsoleSession).where(ConsoleSession.caseworker_id == row.id))
            session.flush()
            return caseworker_record(row)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Store a new password hash (a password change or an argon2 rehash)."""
        with self._tx.write() as session:
            result = session.execute(
                update(Caseworker)
                .where(Caseworker.username == _normal_username(username))
                .values(password_hash=password_hash)
            )
            if result.rowcount != 1:
                raise CaseworkerNotFound(username)

    # Console sessions --------------------------------------------------------------

    def create_session(self, caseworker_id: int, ttl_seconds: int) -> tuple[str, str]:
        """Start a console session; returns (token for the cookie, CSRF token).

        Only the token's sha256 is stored, so a leaked database holds no live sessions.
        """
        if ttl_seconds <= 0:
            raise ValueError("a session needs a positive lifetime")
        token = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = utcnow()
        with self._tx.write() as session:
            active_caseworker(session, caseworker_id)
            session.add(
                ConsoleSession(
                    id=hash_token(token),
                    caseworker_id=caseworker_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=now + dt.timedelta(seconds=ttl_seconds),
                )
            )
        return token, csrf_token

    def session_caseworker(
        self, token: str | None, *, now: dt.datetime | None = None
    ) -> tuple[CaseworkerRecord, str] | None:
        """The caseworker and CSRF token of a live session; None if no token, or the session
        is unknown or expired, or the caseworker was deactivated."""
        if not token:
            return None
        now = now or utcnow()
        with self._tx.read() as session:
            found = session.execute(
                select(ConsoleSession, Caseworker)
                .join(Caseworker, ConsoleSession.caseworker_id == Caseworker.id)
                .where(ConsoleSession.id == hash_token(token))
            ).one_or_none()
            if found is None:
                return None
            console_session, caseworker = found
            if aware(console_session.expires_at) <= now or not caseworker.active:
                return None
            return caseworker_record(caseworker), str(console_session.csrf_token)

    def delete_session(self, token: str) -> None:
        """End a console session (logout)."""
        with self._tx.write() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.id == hash_token(token)))

    def purge_expired_sessions(self, *, now: dt.datetime | None = None) -> int:
        """Delete expired console sessions; returns how many."""
        expired = ConsoleSession.expires_at <= (now or utcnow())
        with self._tx.write() as session:
            return int(session.execute(delete(ConsoleSession).where(expired)).rowcount)
