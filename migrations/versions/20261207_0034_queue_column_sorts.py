"""queue column sorts: an index of (institution_id, column, id) for each column the queue table sorts by

The staff queue sorts by reference, subject, type, status, service and assignee as well as by due time and received
time (tickets/queue.py). Each order is read by keyset pagination: reference and subject as (column, id) from the
cursor on, type, status, service and assignee one index range by id per value of the column. The status ends each
index, so a tab's statuses are checked in the index and only the page's rows are read from the table (a group's ids
come from the index alone). Plain CREATE INDEX, so the ticket table keeps its full-text triggers on SQLite.

Revision ID: 0034
Revises: 0031
Create Date: 2026-12-07 09:00:00

"""
from alembic import op

revision = '0034'
down_revision = '0031'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_ticket_institution_id_reference_id', ['institution_id', 'reference', 'id', 'status']),
    ('ix_ticket_institution_id_subject_id', ['institution_id', 'subject', 'id', 'status']),
    ('ix_ticket_institution_id_type_id', ['institution_id', 'type', 'id', 'status']),
    ('ix_ticket_institution_id_status_id', ['institution_id', 'status', 'id']),
    ('ix_ticket_institution_id_category_id_id', ['institution_id', 'category_id', 'id', 'status']),
    ('ix_ticket_institution_id_assignee_id_id', ['institution_id', 'assignee_id', 'id', 'status']),
)


def upgrade():
    for name, columns in INDEXES:
        op.create_index(name, 'ticket', columns, unique=False)


def downgrade():
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name='ticket')
