"""tracking code version: how many times the citizen has asked for a new tracking code

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 22:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy on SQLite), so the ticket table keeps its full-text triggers.
    op.add_column('ticket', sa.Column('tracking_code_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # DROP COLUMN in place (SQLite 3.35 and later as well), again keeping the triggers.
    op.execute('ALTER TABLE ticket DROP COLUMN tracking_code_version')
