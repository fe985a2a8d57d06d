"""personal data retention: periods per institution and ticket type, legal holds, erasure times, citizens' requests

Personal Data Protection Act 2022: retention_period holds the days a closed ticket keeps its contact details and
files (per institution, ticket type, or both); a ticket gets a legal hold that keeps them past the period, and the
time they were erased; data_request holds citizens' requests to correct or erase them, and the decisions.

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-07 03:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0023'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (no batch copy on SQLite), so the ticket table keeps its full-text triggers.
    op.add_column('ticket', sa.Column('legal_hold', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('ticket', sa.Column('personal_data_erased_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_ticket_closed_at', 'ticket', ['closed_at'], unique=False)
    op.create_table(
        'retention_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=True),
        sa.Column('ticket_type', sa.String(length=30), nullable=True),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['institution_id'],
            ['institution.id'],
            name=op.f('fk_retention_period_institution_id_institution'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_period')),
    )
    op.create_index(op.f('ix_retention_period_institution_id'), 'retention_period', ['institution_id'], unique=False)
    op.create_table(
        'data_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ['decided_by_id'],
            ['user_account.id'],
            name=op.f('fk_data_request_decided_by_id_user_account'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['ticket_id'], ['ticket.id'], name=op.f('fk_data_request_ticket_id_ticket'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_request')),
    )
    op.create_index('ix_data_request_status_due_at', 'data_request', ['status', 'due_at'], unique=False)
    op.create_index(op.f('ix_data_request_ticket_id'), 'data_request', ['ticket_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_data_request_ticket_id'), table_name='data_request')
    op.drop_index('ix_data_request_status_due_at', table_name='data_request')
    op.drop_table('data_request')
    op.drop_index(op.f('ix_retention_period_institution_id'), table_name='retention_period')
    op.drop_table('retention_period')
    op.drop_index('ix_ticket_closed_at', table_name='ticket')
    # DROP COLUMN in place (SQLite 3.35 and later as well), again keeping the triggers.
    op.execute('ALTER TABLE ticket DROP COLUMN personal_data_erased_at')
    op.execute('ALTER TABLE ticket DROP COLUMN legal_hold')
