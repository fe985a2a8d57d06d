"""data requests as tickets: each request about personal data is also a ticket of type data_request, whose
response-time targets replace the request's own calendar-day deadline; an erasure's confirmation forgets its address

data_request.request_ticket_id links a request to its own ticket (the ticket's resolution target is when the decision
is due), so data_request.due_at and its index go (DATA_REQUEST_DAYS is retired). outbox_message.forget_recipient
marks the last message to a citizen whose personal data was erased: its address is erased once it is sent or has
failed for good. The ticket type column is a plain VARCHAR, so the new type needs no change to it.

Revision ID: 0032
Revises: 0035
Create Date: 2026-12-07 08:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0032'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('data_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_ticket_id', sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_data_request_status_due_at'))
        batch_op.create_index(batch_op.f('ix_data_request_request_ticket_id'), ['request_ticket_id'], unique=True)
        batch_op.create_foreign_key(
            batch_op.f('fk_data_request_request_ticket_id_ticket'),
            'ticket',
            ['request_ticket_id'],
            ['id'],
            ondelete='SET NULL',
        )
        batch_op.drop_column('due_at')
    op.add_column(
        'outbox_message', sa.Column('forget_recipient', sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('forget_recipient')
    with op.batch_alter_table('data_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE data_request SET due_at = created_at')  # the old deadline is not known any more
    with op.batch_alter_table('data_request', schema=None) as batch_op:
        batch_op.alter_column('due_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_data_request_request_ticket_id_ticket'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_data_request_request_ticket_id'))
        batch_op.create_index(batch_op.f('ix_data_request_status_due_at'), ['status', 'due_at'], unique=False)
        batch_op.drop_column('request_ticket_id')
