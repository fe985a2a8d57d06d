"""contact limits: receipts counted per contact (recipient, event, created_at)

A receipt goes out only while its e-mail address or phone number has received fewer than the configured number
in the last hour and day: anyone can type someone else's contact into the form.

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-06 12:00:00

"""
from alembic import op

revision = '0016'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_outbox_message_recipient_event_created_at',
        'outbox_message',
        ['recipient', 'event', 'created_at'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_outbox_message_recipient_event_created_at', table_name='outbox_message')
