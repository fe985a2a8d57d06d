"""open tickets' age index: a report's oldest open tickets are read from the open ones alone at any size

A report lists the scope's open tickets submitted longest ago (reports/queries.py oldest_open: open statuses, ORDER
BY created_at, id, LIMIT 20). Old tickets are nearly all closed, so PostgreSQL walked the tickets by received time
from the oldest and skipped every closed one until 20 open ones came (3 s of a 3.5 s report with ten years of tickets
stored). ix_ticket_institution_id_created_at_id_open holds only open tickets, by institution and received time: the
oldest open ones are its first entries, and a scope of several institutions reads only its open tickets (as many as
are waiting, not as many as were ever received). Its statuses are tickets/models.py OPEN_STATUSES, as in 0033.
Plain CREATE INDEX, so the ticket table keeps its full-text triggers on SQLite.

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-07 09:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0035'
down_revision = '0033'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('answered', 'awaiting_citizen', 'in_progress', 'received', 'reopened')")


def upgrade():
    op.create_index(
        'ix_ticket_institution_id_created_at_id_open',
        'ticket',
        ['institution_id', 'created_at', 'id'],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade():
    op.drop_index('ix_ticket_institution_id_created_at_id_open', table_name='ticket')
