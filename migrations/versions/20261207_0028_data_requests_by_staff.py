"""data requests recorded by staff: who recorded a citizen's request and how they checked the citizen's identity

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 06:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('data_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('identity_check', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('identity_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_data_request_recorded_by_id_user_account'),
            'user_account',
            ['recorded_by_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('data_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_data_request_recorded_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('identity_note')
        batch_op.drop_column('identity_check')
        batch_op.drop_column('recorded_by_id')
