"""Reports, unanswered searches and inbox accounts.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATUSES = "'new', 'duplicate', 'answered', 'needs-entry', 'rejected'"


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("heard_where", sa.String(length=20), nullable=True),
        sa.Column("lang", sa.String(length=12), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rumour_id", sa.String(length=100), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("triaged_by", sa.String(length=64), nullable=True),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_reports_status"),
        sa.CheckConstraint("length(text) BETWEEN 1 AND 1000", name="ck_reports_text_length"),
        sa.ForeignKeyConstraint(["duplicate_of"], ["reports.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reports_received_on", "reports", ["received_on"])
    op.create_index("ix_reports_status", "reports", ["status"])
    op.create_table(
        "unanswered_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("lang", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("query", "lang", "day", name="uq_unanswered_query_day"),
    )
    op.create_index("ix_unanswered_searches_day", "unanswered_searches", ["day"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_index("ix_unanswered_searches_day", table_name="unanswered_searches")
    op.drop_table("unanswered_searches")
    op.drop_index("ix_reports_status", table_name="reports")
    op.drop_index("ix_reports_received_on", table_name="reports")
    op.drop_table("reports")
