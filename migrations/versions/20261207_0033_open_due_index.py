"""open tickets' due-time index: a searched open tab is read due-soonest in order at any size

ix_ticket_institution_id_next_due_at_id_open is the due-time index of open tickets only. Every open tab read
due-soonest can walk it; with the tab's status condition met by the index, PostgreSQL no longer takes a searched
open tab for a handful of rows (it assumed the status and the due time independent, when only open tickets are
due), so it reads the tab in due order and checks each ticket's words until the page is full, instead of collecting
every match of a common word among the institution's dated tickets from the full-text index and sorting them. Its
statuses are tickets/models.py OPEN_STATUSES; a query whose statuses are not all among them does not use it.
Plain CREATE INDEX, so the ticket table keeps its full-text triggers on SQLite.

Revision ID: 0033
Revises: 0034
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0033'
down_revision = '0034'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('answered', 'awaiting_citizen', 'in_progress', 'received', 'reopened')")


def upgrade():
    op.create_index(
        'ix_ticket_institution_id_next_due_at_id_open',
        'ticket',
        ['institution_id', 'next_due_at', 'id'],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade():
    op.drop_index('ix_ticket_institution_id_next_due_at_id_open', table_name='ticket')
