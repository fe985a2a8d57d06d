"""open grouped-sort indexes: the open tabs sorted by type, service or officer read open tickets alone

The queue sorts by type, service and officer a group at a time (tickets/queue.py _grouped_queries): one range of
(institution_id, column, id) per value, read by id until a page is full. Through the indexes of 0034 an open tab
skipped every closed ticket of the value first, and with years stored nearly all of them are closed: the open tab
sorted by officer took 93 ms at a million tickets against 54 ms at ten thousand, and PostgreSQL read the unassigned
group by walking the whole table by id (30 ms). These partial indexes hold open tickets only (tickets/models.py
OPEN_STATUSES, as in 0033 and 0035), so a group's range holds only what the tab lists. Plain CREATE INDEX, so the
ticket table keeps its full-text triggers on SQLite.

Revision ID: 0036
Revises: 0032
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0036'
down_revision = '0032'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('answered', 'awaiting_citizen', 'in_progress', 'received', 'reopened')")
COLUMNS = ('type', 'category_id', 'assignee_id')


def upgrade():
    for column in COLUMNS:
        op.create_index(
            f'ix_ticket_institution_id_{column}_id_open',
            'ticket',
            ['institution_id', column, 'id'],
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )


def downgrade():
    for column in COLUMNS:
        op.drop_index(f'ix_ticket_institution_id_{column}_id_open', table_name='ticket')
