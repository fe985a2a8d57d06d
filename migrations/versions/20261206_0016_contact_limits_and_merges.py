"""contact limits and merges: receipts counted per contact, and the duplicates merged into a ticket found by index

A receipt goes out only while its e-mail address or phone number has received fewer than the configured number
in the last hour and day: anyone can type someone else's contact into the form (recipient, event, created_at).
A resolution reaches the citizens of the tickets merged into the resolved one (ticket.merged_into_id); a plain
CREATE INDEX, so the ticket table keeps its full-text triggers on SQLite.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-06 12:00:00

"""
from alembic import op

revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_outbox_message_recipient_event_created_at',
        'outbox_message',
        ['recipient', 'event', 'created_at'],
        unique=False,
    )
    op.create_index('ix_ticket_merged_into_id', 'ticket', ['merged_into_id'], unique=False)


def downgrade():
    op.drop_index('ix_ticket_merged_into_id', table_name='ticket')
    op.drop_index('ix_outbox_message_recipient_event_created_at', table_name='outbox_message')
