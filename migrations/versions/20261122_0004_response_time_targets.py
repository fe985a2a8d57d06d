"""response-time targets, calendars and escalations

Tickets submitted before this revision have no due instants; they are not escalated.
On SQLite, downgrading recreates the ticket table, which drops the full-text triggers of 0002.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 14:31:08.118850

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('timezone', sa.String(length=60), nullable=False),
    sa.Column('always_open', sa.Boolean(), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar')),
    sa.UniqueConstraint('name', name=op.f('uq_calendar_name'))
    )
    op.create_table('calendar_date',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendar.id'], name=op.f('fk_calendar_date_calendar_id_calendar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_date')),
    sa.UniqueConstraint('calendar_id', 'day', name=op.f('uq_calendar_date_calendar_id_day'))
    )
    with op.batch_alter_table('calendar_date', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_date_day'), ['day'], unique=False)

    op.create_table('response_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.Enum('question', 'complaint', 'suggestion', 'opinion', 'commendation', name='tickettype', native_enum=False, length=30), nullable=True),
    sa.Column('first_response_days', sa.Integer(), nullable=False),
    sa.Column('resolution_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_response_target_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_response_target_institution_id_institution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_target')),
    sa.UniqueConstraint('institution_id', 'category_id', 'type', name=op.f('uq_response_target_institution_id_category_id_type'))
    )
    op.create_table('escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('first_response', 'resolution', name='slatarget', native_enum=False, length=30), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('warning', 'overdue', 'parent', 'national', name='escalationlevel', native_enum=False, length=30), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_escalation_institution_id_institution')),
    sa.ForeignKeyConstraint(['node_id'], ['institution.id'], name=op.f('fk_escalation_node_id_institution')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_escalation_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation')),
    sa.UniqueConstraint('ticket_id', 'target', 'round', 'level', name=op.f('uq_escalation_ticket_id_target_round_level'))
    )
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_node_id_created_at', ['node_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_institution_calendar_id_calendar'), 'calendar', ['calendar_id'], ['id'])

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('holder_responded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_round', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('resolution_round', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('first_response_warn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_response_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolution_warn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolution_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_sla_check_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_paused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paused_minutes', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('first_response_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution_minutes', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_next_sla_check_at'), ['next_sla_check_at'], unique=False)




def downgrade():

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_next_sla_check_at'))
        batch_op.drop_column('resolution_minutes')
        batch_op.drop_column('first_response_minutes')
        batch_op.drop_column('paused_minutes')
        batch_op.drop_column('sla_paused_at')
        batch_op.drop_column('next_sla_check_at')
        batch_op.drop_column('next_due_at')
        batch_op.drop_column('resolution_due_at')
        batch_op.drop_column('resolution_warn_at')
        batch_op.drop_column('first_response_due_at')
        batch_op.drop_column('first_response_warn_at')
        batch_op.drop_column('resolution_round')
        batch_op.drop_column('sla_round')
        batch_op.drop_column('holder_responded_at')
        batch_op.drop_column('holder_since')

    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_institution_calendar_id_calendar'), type_='foreignkey')
        batch_op.drop_column('calendar_id')

    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_ticket_id'))
        batch_op.drop_index('ix_escalation_node_id_created_at')

    op.drop_table('escalation')
    op.drop_table('response_target')
    with op.batch_alter_table('calendar_date', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_date_day'))

    op.drop_table('calendar_date')
    op.drop_table('calendar')

