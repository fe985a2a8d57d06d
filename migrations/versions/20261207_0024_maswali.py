"""maswali: the answers an institution publishes

published_answer holds a question and its answer in Swahili and English, the service, the ticket it was written
from (if any), its status (draft, awaiting approval, published), who approved it and when it was last reviewed.
PostgreSQL gets a GIN expression index for the public search over both languages' text. answer_offer records the
published answers the submit form offered a citizen, and whether they then still submitted (deflection figures).

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-07 03:10:00

"""

from alembic import op
import sqlalchemy as sa

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

SEARCH_INDEX = (
    "CREATE INDEX ix_published_answer_search ON published_answer USING gin "
    "(to_tsvector('simple', question_sw || ' ' || answer_sw || ' ' || question_en || ' ' || answer_en))"
)


def upgrade():
    op.create_table(
        "published_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("question_sw", sa.String(length=300), nullable=False),
        sa.Column("answer_sw", sa.Text(), nullable=False),
        sa.Column("question_en", sa.String(length=300), nullable=False),
        sa.Column("answer_en", sa.Text(), nullable=False),
        sa.Column("out_of_date", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["user_account.id"], name=op.f("fk_published_answer_approved_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_published_answer_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_published_answer_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_published_answer_institution_id_institution")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_published_answer_ticket_id_ticket"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_answer")),
    )
    op.create_index(op.f("ix_published_answer_category_id"), "published_answer", ["category_id"], unique=False)
    op.create_index(op.f("ix_published_answer_ticket_id"), "published_answer", ["ticket_id"], unique=False)
    op.create_index(
        "ix_published_answer_institution_id_status_reviewed_at",
        "published_answer",
        ["institution_id", "status", "reviewed_at"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SEARCH_INDEX)
    op.create_table(
        "answer_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("answers_shown", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"], name=op.f("fk_answer_offer_category_id_category")),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institution.id"], name=op.f("fk_answer_offer_institution_id_institution")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_answer_offer_ticket_id_ticket"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_offer")),
        sa.UniqueConstraint("token", name=op.f("uq_answer_offer_token")),
    )
    op.create_index(
        "ix_answer_offer_institution_id_created_at", "answer_offer", ["institution_id", "created_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_answer_offer_institution_id_created_at", table_name="answer_offer")
    op.drop_table("answer_offer")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_published_answer_search")
    op.drop_index("ix_published_answer_institution_id_status_reviewed_at", table_name="published_answer")
    op.drop_index(op.f("ix_published_answer_ticket_id"), table_name="published_answer")
    op.drop_index(op.f("ix_published_answer_category_id"), table_name="published_answer")
    op.drop_table("published_answer")
