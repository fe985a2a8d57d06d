"""heartbeat: when each periodic job last finished, for the metrics an operator's alerts read

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0025'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'heartbeat',
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeat')),
    )


def downgrade():
    op.drop_table('heartbeat')
