"""resolution-due index: reports and public statistics count the tickets that fell due in a period

Institutions are ranked on every ticket whose resolution fell due in the period (resolved late and still open
past due count against them), so reports read (institution_id, resolution_due_at) ranges.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07 10:00:00

"""
from alembic import op

revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # A plain CREATE INDEX (no batch copy on SQLite), so the ticket table keeps its full-text triggers.
    op.create_index(
        'ix_ticket_institution_id_resolution_due_at', 'ticket', ['institution_id', 'resolution_due_at'], unique=False
    )


def downgrade():
    op.drop_index('ix_ticket_institution_id_resolution_due_at', table_name='ticket')
