"""ticket openings: when each member of staff last opened a ticket, for the notice that a colleague has it open

Revision ID: 0027
Revises: 0029
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0027'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ticket_opening',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_opening_ticket_id_ticket'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_ticket_opening_user_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('ticket_id', 'user_id', name=op.f('pk_ticket_opening')),
    )


def downgrade():
    op.drop_table('ticket_opening')
