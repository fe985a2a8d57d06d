"""ticket citizen e-mail index: a new submission looks for the same text sent today from the same e-mail address

A citizen who sends the same text twice in a day from one contact is told the first ticket's reference
(tickets/services.py earlier_same_text), which looks the contact's tickets up by phone (ix_ticket_citizen_phone) or
by e-mail address (ix_ticket_citizen_email: a plain CREATE INDEX, so the ticket table keeps its full-text triggers
on SQLite).

Revision ID: 0031
Revises: 0026
Create Date: 2026-12-07 07:20:00

"""
from alembic import op

revision = '0031'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ticket_citizen_email', 'ticket', ['citizen_email'], unique=False)


def downgrade():
    op.drop_index('ix_ticket_citizen_email', table_name='ticket')
