"""Privacy: erased conversations, recorded consents, an index for the retention purge.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): recreating ``conversations`` in batch mode would drop
    # the table, and with foreign keys on, SQLite's DROP TABLE cascades to the messages.
    op.add_column("conversations", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("conversations", sa.Column("erased_reason", sa.String(16), nullable=True))
    op.create_index("ix_conversations_last_activity_at", "conversations", ["last_activity_at"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("text_shown", sa.Text(), nullable=True),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_consents_conversation_id", "consents", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_consents_conversation_id", table_name="consents")
    op.drop_table("consents")
    op.drop_index("ix_conversations_last_activity_at", table_name="conversations")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column("conversations", "erased_reason")
    op.drop_column("conversations", "erased_at")
