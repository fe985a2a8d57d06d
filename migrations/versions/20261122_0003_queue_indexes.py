"""queue indexes: a tab's tickets of one institution, or of one assignee, in received order

ix_ticket_institution_id_status_created_at replaces ix_ticket_institution_id_status (its prefix).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ticket_institution_id_status_created_at', 'ticket',
                    ['institution_id', 'status', 'created_at', 'id'], unique=False)
    op.create_index('ix_ticket_institution_id_created_at', 'ticket',
                    ['institution_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_ticket_assignee_id_institution_id_status', 'ticket',
                    ['assignee_id', 'institution_id', 'status', 'created_at', 'id'], unique=False)
    op.drop_index('ix_ticket_institution_id_status', table_name='ticket')


def downgrade():
    op.create_index('ix_ticket_institution_id_status', 'ticket', ['institution_id', 'status'], unique=False)
    op.drop_index('ix_ticket_assignee_id_institution_id_status', table_name='ticket')
    op.drop_index('ix_ticket_institution_id_created_at', table_name='ticket')
    op.drop_index('ix_ticket_institution_id_status_created_at', table_name='ticket')
