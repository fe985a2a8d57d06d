"""desk: commendations are passed on, not chased

A commendation has no running response-time target any more: the open ones stored so far lose their nearest due
instant and their next escalation check, so they leave the overdue tab and the escalation scan.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 12:00:00

"""
from alembic import op

revision = '0022'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE ticket SET next_due_at = NULL, next_sla_check_at = NULL WHERE type = 'commendation'"
    )


def downgrade():
    # The due instants stay stored on each commendation: the next scan looks at the open ones again and sets both.
    op.execute(
        "UPDATE ticket SET next_sla_check_at = created_at "
        "WHERE type = 'commendation' AND status NOT IN ('resolved', 'closed')"
    )
