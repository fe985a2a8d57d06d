"""queue saved filters and the due-soonest index

Officers save queue views under a name (tab, filters, search and order). The due-time index gains the ticket id,
so every open tab read due-soonest (`next_due_at ASC NULLS LAST, id`) walks it from a cursor instead of sorting
the institution's open tickets.

Revision ID: 0026
Revises: 0028
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0026'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_queue_filter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('query', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_saved_queue_filter_user_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_queue_filter')),
        sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_queue_filter_user_id_name')),
    )
    op.create_index('ix_ticket_institution_id_next_due_at_id', 'ticket', ['institution_id', 'next_due_at', 'id'])
    op.drop_index('ix_ticket_institution_id_next_due_at', table_name='ticket')


def downgrade():
    op.create_index('ix_ticket_institution_id_next_due_at', 'ticket', ['institution_id', 'next_due_at'])
    op.drop_index('ix_ticket_institution_id_next_due_at_id', table_name='ticket')
    op.drop_table('saved_queue_filter')
