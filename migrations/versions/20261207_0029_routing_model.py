"""routing model: the trained versions of the routing model (figures and signed artefact) and the suggestions shown to triage officers with the one they accepted

Revision ID: 0029
Revises: 0022
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('routing_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ticket_count', sa.Integer(), nullable=False),
    sa.Column('held_out_count', sa.Integer(), nullable=False),
    sa.Column('institution_top1', sa.Float(), nullable=True),
    sa.Column('institution_top3', sa.Float(), nullable=True),
    sa.Column('service_top1', sa.Float(), nullable=True),
    sa.Column('service_top3', sa.Float(), nullable=True),
    sa.Column('institution_count', sa.Integer(), nullable=False),
    sa.Column('service_count', sa.Integer(), nullable=False),
    sa.Column('training_seconds', sa.Float(), nullable=False),
    sa.Column('library_version', sa.String(length=40), nullable=False),
    sa.Column('artefact', sa.LargeBinary(), nullable=True),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_model'))
    )
    op.create_table('routing_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=True),
    sa.Column('suggestions', sa.JSON(), nullable=False),
    sa.Column('shown_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_rank', sa.Integer(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'], name=op.f('fk_routing_offer_accepted_by_id_user_account')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_routing_offer_institution_id_institution')),
    sa.ForeignKeyConstraint(['model_id'], ['routing_model.id'], name=op.f('fk_routing_offer_model_id_routing_model')),
    sa.ForeignKeyConstraint(['shown_to_id'], ['user_account.id'], name=op.f('fk_routing_offer_shown_to_id_user_account')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_routing_offer_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_offer'))
    )
    with op.batch_alter_table('routing_offer', schema=None) as batch_op:
        batch_op.create_index('ix_routing_offer_institution_id_created_at', ['institution_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_routing_offer_ticket_id'), ['ticket_id'], unique=False)



def downgrade():
    with op.batch_alter_table('routing_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_offer_ticket_id'))
        batch_op.drop_index('ix_routing_offer_institution_id_created_at')

    op.drop_table('routing_offer')
    op.drop_table('routing_model')
