"""report snapshots: the figures of slow reports, kept a few minutes and refreshed by the worker

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 18:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('preset', sa.String(length=20), nullable=False),
        sa.Column('first', sa.Date(), nullable=False),
        sa.Column('last', sa.Date(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('compute_ms', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshot')),
        sa.UniqueConstraint('scope', 'first', 'last', name='uq_report_snapshot_scope_first_last'),
    )
    with op.batch_alter_table('report_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_snapshot_read_at'), ['read_at'], unique=False)


def downgrade():
    with op.batch_alter_table('report_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_snapshot_read_at'))
    op.drop_table('report_snapshot')
