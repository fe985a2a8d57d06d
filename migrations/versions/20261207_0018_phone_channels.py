"""phone channels: USSD session state, inbound SMS, phones that stopped SMS, SMS segments

A basic phone reaches the service by USSD and two-way SMS (wananchi/phone/): the state of a USSD session lives in
phone_session when Redis is not used; every inbound SMS is kept once, by the gateway's id; a phone that sent
ACHA/STOP is in sms_opt_out. Each SMS sent records its concatenated parts (outbox_message.sms_segments) for the
reports, which count SMS per period (ix_outbox_message_channel_sent_at). A phone's tickets are found by its number (ix_ticket_citizen_phone: a plain CREATE
INDEX, so the ticket table keeps its full-text triggers on SQLite). New ticket channels need no change: channels
are stored as text.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('phone_session',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_phone_session'))
    )
    op.create_index(op.f('ix_phone_session_expires_at'), 'phone_session', ['expires_at'], unique=False)
    op.create_table('inbound_sms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gateway_id', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('to', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link_id', sa.String(length=100), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_inbound_sms_ticket_id_ticket'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_sms')),
    sa.UniqueConstraint('gateway_id', name=op.f('uq_inbound_sms_gateway_id'))
    )
    op.create_index(op.f('ix_inbound_sms_phone'), 'inbound_sms', ['phone'], unique=False)
    op.create_index(op.f('ix_inbound_sms_received_at'), 'inbound_sms', ['received_at'], unique=False)
    op.create_index(op.f('ix_inbound_sms_ticket_id'), 'inbound_sms', ['ticket_id'], unique=False)
    op.create_table('sms_opt_out',
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('phone', name=op.f('pk_sms_opt_out'))
    )
    # Plain ADD COLUMNs (no batch copy on SQLite).
    op.add_column('outbox_message', sa.Column('sms_segments', sa.Integer(), nullable=True))
    op.create_index('ix_outbox_message_channel_sent_at', 'outbox_message', ['channel', 'sent_at'], unique=False)
    op.create_index('ix_ticket_citizen_phone', 'ticket', ['citizen_phone'], unique=False)


def downgrade():
    op.drop_index('ix_ticket_citizen_phone', table_name='ticket')
    op.drop_index('ix_outbox_message_channel_sent_at', table_name='outbox_message')
    # DROP COLUMN in place (SQLite 3.35 and later as well).
    op.execute('ALTER TABLE outbox_message DROP COLUMN sms_segments')
    op.drop_table('sms_opt_out')
    op.drop_index(op.f('ix_inbound_sms_ticket_id'), table_name='inbound_sms')
    op.drop_index(op.f('ix_inbound_sms_received_at'), table_name='inbound_sms')
    op.drop_index(op.f('ix_inbound_sms_phone'), table_name='inbound_sms')
    op.drop_table('inbound_sms')
    op.drop_index(op.f('ix_phone_session_expires_at'), table_name='phone_session')
    op.drop_table('phone_session')
