"""place, kept uploads and topics: where the problem is, files kept for a form that came back, services by topic

The ticket gets the place below the district (street or village, ward) and the coordinates the citizen chose to
share; kept_upload holds the files that passed the checks on a form returned with an error, so that they are
uploaded once; each service gets the topic the form and a basic phone's menu group it under (Maji, Umeme, Afya, ...).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (no batch copy on SQLite), so the ticket table keeps its full-text triggers.
    op.add_column('ticket', sa.Column('place', sa.String(length=200), nullable=True))
    op.add_column('ticket', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('ticket', sa.Column('longitude', sa.Float(), nullable=True))
    # Every service stored so far is listed under "other" until an administrator gives it a topic.
    op.add_column('category', sa.Column('topic', sa.String(length=30), server_default='other', nullable=False))
    op.create_table(
        'kept_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=60), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_upload')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_kept_upload_stored_name')),
        sa.UniqueConstraint('token', name=op.f('uq_kept_upload_token')),
    )
    op.create_index(op.f('ix_kept_upload_created_at'), 'kept_upload', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_kept_upload_created_at'), table_name='kept_upload')
    op.drop_table('kept_upload')
    # DROP COLUMN in place (SQLite 3.35 and later as well), again keeping the triggers.
    op.execute('ALTER TABLE category DROP COLUMN topic')
    op.execute('ALTER TABLE ticket DROP COLUMN longitude')
    op.execute('ALTER TABLE ticket DROP COLUMN latitude')
    op.execute('ALTER TABLE ticket DROP COLUMN place')
