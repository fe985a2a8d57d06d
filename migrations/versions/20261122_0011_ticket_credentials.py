"""ticket credentials: the integration key or API token an API or Open311 submission came with

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 17:43:22

"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

COLUMNS = (
    ('integration_key_id', 'integration_key', 'fk_ticket_integration_key_id_integration_key'),
    ('api_token_id', 'api_token', 'fk_ticket_api_token_id_api_token'),
)


def _ticket_triggers():
    """SQLite's triggers on the ticket table (full-text search): batch mode copies the table without them."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return []
    query = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ticket'"
    return list(bind.execute(sa.text(query)).scalars())


def upgrade():
    triggers = _ticket_triggers()
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        for column, table, name in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete='SET NULL')
    for trigger in triggers:
        op.execute(trigger)


def downgrade():
    triggers = _ticket_triggers()
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        for column, _table, name in reversed(COLUMNS):
            batch_op.drop_constraint(name, type_='foreignkey')
            batch_op.drop_column(column)
    for trigger in triggers:
        op.execute(trigger)
