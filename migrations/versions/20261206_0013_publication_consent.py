"""publication consent: whether the citizen agreed that the ticket's text and the answer may be published

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy on SQLite), so the ticket table keeps its full-text triggers; every ticket
    # stored so far was sent without being asked, so none has consented.
    op.add_column(
        'ticket', sa.Column('publication_consent', sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade():
    # DROP COLUMN in place (SQLite 3.35 and later as well), again keeping the triggers.
    op.execute('ALTER TABLE ticket DROP COLUMN publication_consent')
