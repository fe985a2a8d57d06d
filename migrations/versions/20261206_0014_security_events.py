"""security events: the client address of audit entries, failed logins per client address, two-step codes used once

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (no batch copy on SQLite); none of these tables has triggers.
    op.add_column('audit_entry', sa.Column('client_address', sa.String(length=45), nullable=True))
    op.add_column('user_account', sa.Column('totp_last_counter', sa.Integer(), nullable=True))
    op.create_table('login_throttle',
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('address', name=op.f('pk_login_throttle'))
    )


def downgrade():
    op.drop_table('login_throttle')
    # DROP COLUMN in place (SQLite 3.35 and later as well).
    op.execute('ALTER TABLE user_account DROP COLUMN totp_last_counter')
    op.execute('ALTER TABLE audit_entry DROP COLUMN client_address')
