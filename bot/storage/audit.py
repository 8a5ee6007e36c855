"""The audit trail: who did what to which case, and when. Never message or note text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.engine import TransactionSource
from bot.storage.models import AuditEvent, Caseworker
from bot.storage.records import AuditRecord, audit_record

AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "viewed",
    "claimed",
    "replied",
    "noted",
    "transferred",
    "released",
    "closed",
    "erased",  # the tenant erased the conversation (its open case, if any, closed as erased)
    "expired",  # the retention purge closed an open case that was idle for the whole period
    "purged",  # a retention purge run erased conversations (how many)
    "consent_given",
    "consent_withdrawn",
)
#: The only keys an audit event's detail may have. Values must be scalars (strings of at
#: most AUDIT_DETAIL_MAX_CHARS): message and note text never reach the audit trail.
AUDIT_DETAIL_KEYS = frozenset(
    {"message_id", "note_id", "outcome", "to", "from", "username", "priority", "stage", "status", "count"}
)
AUDIT_DETAIL_MAX_CHARS = 64


def _audit_detail(detail: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Refuse anything that could carry message or note text into the audit trail."""
    if detail is None:
        return None
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if key not in AUDIT_DETAIL_KEYS:
            raise ValueError(
                f"audit detail key {key!r} is not allowed (allowed: {', '.join(sorted(AUDIT_DETAIL_KEYS))}); "
                "audit events never hold message or note text"
            )
        if isinstance(value, str) and len(value) > AUDIT_DETAIL_MAX_CHARS:
            raise ValueError(f"audit detail {key!r} is longer than {AUDIT_DETAIL_MAX_CHARS} characters")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise ValueError(f"audit detail {key!r} must be a string, number or boolean")
        clean[key] = value
    return clean or None


def add_audit_event(
    session: Session,
    caseworker_id: int | None,
    action: str,
    case_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (checked like :meth:`Audit.record`)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    clean = _audit_detail(detail)
    row = AuditEvent(caseworker_id=caseworker_id, action=action, case_id=case_id, detail=clean)
    session.add(row)
    session.flush()
    return row


class Audit:
    """Writing and reading the audit trail."""

    def __init__(self, transactions: TransactionSource) -> None:
        self._tx = transactions

    def record(
        self,
        caseworker_id: int | None,
        action: str,
        case_id: int | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditRecord:
        """Record who did what. ``detail`` takes only ids, outcomes and names, never text
        (keys from :data:`AUDIT_DETAIL_KEYS`, short scalar values); anything else is refused."""
        with self._tx.write() as session:
            row = add_audit_event(session, caseworker_id, action, case_id, detail)
            name = None
            if caseworker_id is not None:
                name = session.execute(
                    select(Caseworker.display_name).where(Caseworker.id == caseworker_id)
                ).scalar_one_or_none()
            return audit_record(row, name)

    def recent(self, case_id: int | None = None, limit: int = 200) -> list[AuditRecord]:
        """The newest audit events (of one case, if given), newest first."""
        query = select(AuditEvent, Caseworker.display_name).outerjoin(
            Caseworker, AuditEvent.caseworker_id == Caseworker.id
        )
        if case_id is not None:
            query = query.where(AuditEvent.case_id == case_id)
        with self._tx.read() as session:
            rows = session.execute(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
            return [audit_record(row, name) for row, name in rows]
