"""due-time index: the overdue and due-today tabs and their counts read (institution_id, next_due_at)

Only tickets with a running target have a next due instant, so the tabs read a short index range
instead of every open ticket of the institution.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 15:35:00

"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_institution_id_next_due_at', ['institution_id', 'next_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_institution_id_next_due_at')
