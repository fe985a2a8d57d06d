"""running and appeals indexes: the overdue, due-today and appeals tabs and their counts read from the index alone

Every queue page counts its tabs, each up to 1,001 tickets (tickets/queue.py tab_counts). The "overdue" and "due
today" tabs hold the open tickets whose clock runs (sla_paused_at IS NULL) and the "appeals" tab the reopened tickets
under appeal (appealed_at IS NOT NULL); neither condition was in an index, so PostgreSQL read every overdue ticket of
the institution (9,411 at a million stored, 2.9 ms) and every reopened one (1,234, 1.7 ms) from the table to check
it. These partial indexes hold exactly those tickets: the counts of a queue page took 5.7 ms at a million tickets
and take 1.3 ms. Their conditions are tickets/models.py RUNNING_CONDITION and APPEALED_CONDITION. Plain CREATE
INDEX, so the ticket table keeps its full-text triggers on SQLite.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 16:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

RUNNING = sa.text(
    "status IN ('answered', 'awaiting_citizen', 'in_progress', 'received', 'reopened') AND sla_paused_at IS NULL"
)
APPEALED = sa.text("status = 'reopened' AND appealed_at IS NOT NULL")


def upgrade():
    op.create_index(
        'ix_ticket_institution_id_next_due_at_id_running',
        'ticket',
        ['institution_id', 'next_due_at', 'id'],
        postgresql_where=RUNNING,
        sqlite_where=RUNNING,
    )
    op.create_index(
        'ix_ticket_institution_id_id_appealed',
        'ticket',
        ['institution_id', 'id'],
        postgresql_where=APPEALED,
        sqlite_where=APPEALED,
    )


def downgrade():
    op.drop_index('ix_ticket_institution_id_id_appealed', table_name='ticket')
    op.drop_index('ix_ticket_institution_id_next_due_at_id_running', table_name='ticket')
