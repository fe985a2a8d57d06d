"""staff accounts and ticket workflow; full-text search over tickets

Search: PostgreSQL gets a GIN expression index over to_tsvector('simple', subject || description)
(there is no Swahili configuration); SQLite gets an FTS5 table kept in step by triggers. A later
SQLite batch migration that recreates `ticket` drops those triggers and must create them again
(see create_sqlite_search below).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 14:09:56.160050

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('role_policy',
    sa.Column('role', sa.Enum('officer', 'supervisor', 'oversight', 'admin', name='role', native_enum=False, length=30), nullable=False),
    sa.Column('require_totp', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_role_policy'))
    )
    op.create_table('canned_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body_sw', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_canned_response_institution_id_institution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_response'))
    )
    with op.batch_alter_table('canned_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canned_response_institution_id'), ['institution_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('officer', 'supervisor', 'oversight', 'admin', name='role', native_enum=False, length=30), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_user_account_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_institution_id'), ['institution_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.String(length=60), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_entry_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_created_at'), ['created_at'], unique=False)

    op.create_table('ticket_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('from_institution_id', sa.Integer(), nullable=False),
    sa.Column('to_institution_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_ticket_transfer_actor_id_user_account')),
    sa.ForeignKeyConstraint(['from_institution_id'], ['institution.id'], name=op.f('fk_ticket_transfer_from_institution_id_institution')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_transfer_ticket_id_ticket'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_institution_id'], ['institution.id'], name=op.f('fk_ticket_transfer_to_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_transfer'))
    )
    with op.batch_alter_table('ticket_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_transfer_from_institution_id'), ['from_institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_transfer_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution_summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Enum('accepted', 'under_consideration', 'declined', name='suggestionoutcome', native_enum=False, length=30), nullable=True))
        batch_op.add_column(sa.Column('commended_to', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('commended_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('satisfaction_rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('satisfaction_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('appealed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ticket_assignee_id_user_account'), 'user_account', ['assignee_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_ticket_commended_user_id_user_account'), 'user_account', ['commended_user_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_ticket_merged_into_id_ticket'), 'ticket', ['merged_into_id'], ['id'])

    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ticket_event_actor_id_user_account'), 'user_account', ['actor_id'], ['id'])

    with op.batch_alter_table('ticket_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ticket_message_author_id_user_account'), 'user_account', ['author_id'], ['id'])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_SEARCH_INDEX)
    else:
        create_sqlite_search()


POSTGRES_SEARCH_INDEX = (
    "CREATE INDEX ix_ticket_search ON ticket USING gin "
    "(to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(description, '')))"
)
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS ticket_fts USING fts5(subject, description, content='ticket', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS ticket_fts_ai AFTER INSERT ON ticket BEGIN "
    "INSERT INTO ticket_fts(rowid, subject, description) VALUES (new.id, new.subject, new.description); END",
    "CREATE TRIGGER IF NOT EXISTS ticket_fts_ad AFTER DELETE ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, subject, description) "
    "VALUES ('delete', old.id, old.subject, old.description); END",
    "CREATE TRIGGER IF NOT EXISTS ticket_fts_au AFTER UPDATE OF subject, description ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, subject, description) "
    "VALUES ('delete', old.id, old.subject, old.description); "
    "INSERT INTO ticket_fts(rowid, subject, description) VALUES (new.id, new.subject, new.description); END",
    "INSERT INTO ticket_fts(ticket_fts) VALUES ('rebuild')",
]


def create_sqlite_search():
    for statement in SQLITE_SEARCH:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_ticket_search")
    else:
        for name in ("ticket_fts_ai", "ticket_fts_ad", "ticket_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS ticket_fts")

    with op.batch_alter_table('ticket_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ticket_message_author_id_user_account'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ticket_event_actor_id_user_account'), type_='foreignkey')
        batch_op.drop_column('actor_id')

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ticket_merged_into_id_ticket'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ticket_commended_user_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ticket_assignee_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ticket_assignee_id'))
        batch_op.drop_column('closed_at')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('first_response_at')
        batch_op.drop_column('appealed_at')
        batch_op.drop_column('satisfaction_comment')
        batch_op.drop_column('satisfaction_rating')
        batch_op.drop_column('commended_user_id')
        batch_op.drop_column('commended_to')
        batch_op.drop_column('outcome')
        batch_op.drop_column('resolution_summary')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('ticket_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_transfer_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_transfer_from_institution_id'))

    op.drop_table('ticket_transfer')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_institution_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('canned_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canned_response_institution_id'))

    op.drop_table('canned_response')
    op.drop_table('role_policy')

