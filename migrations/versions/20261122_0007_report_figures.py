"""report figures: the working day of submission, how long a sender held a transferred ticket, report indexes

Backfills both new columns for the rows already stored: `ticket.submitted_day` one local day at a time,
`ticket_transfer.held_minutes` by the standard calendar (an approximation for an institution with its own hours).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 18:00:00.000000

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

from wananchi.sla.days import working_day_number
from wananchi.sla.policies import DEFAULT_TIMEZONE, standard_calendar, working_minutes_between

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ticket = sa.table('ticket', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                  sa.column('submitted_day', sa.Integer))
transfer = sa.table('ticket_transfer', sa.column('id', sa.Integer), sa.column('ticket_id', sa.Integer),
                    sa.column('created_at', sa.DateTime(timezone=True)), sa.column('held_minutes', sa.Integer))


def _aware(value):
    """A stored timestamp as an aware UTC datetime (SQLite returns naive ones)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _backfill_submitted_day(connection):
    """Number every stored ticket's day of submission, one run of days sharing a number at a time."""
    first, last = connection.execute(sa.select(sa.func.min(ticket.c.created_at), sa.func.max(ticket.c.created_at))).one()
    if first is None:
        return
    day = _aware(first).astimezone(DEFAULT_TIMEZONE).date()
    end_day = _aware(last).astimezone(DEFAULT_TIMEZONE).date()
    while day <= end_day:
        start = dt.datetime.combine(day, dt.time(), tzinfo=DEFAULT_TIMEZONE)
        number = working_day_number(start)
        following = day + dt.timedelta(days=1)
        while following <= end_day and working_day_number(
                dt.datetime.combine(following, dt.time(), tzinfo=DEFAULT_TIMEZONE)) == number:
            following += dt.timedelta(days=1)
        until = dt.datetime.combine(following, dt.time(), tzinfo=DEFAULT_TIMEZONE)
        connection.execute(ticket.update().where(ticket.c.created_at >= start.astimezone(dt.UTC),
                                                 ticket.c.created_at < until.astimezone(dt.UTC))
                           .values(submitted_day=number))
        day = following


def _backfill_held_minutes(connection):
    """For each stored transfer, the working minutes since the ticket's submission or its previous transfer."""
    rows = connection.execute(
        sa.select(transfer.c.id, transfer.c.ticket_id, transfer.c.created_at, ticket.c.created_at)
        .join(ticket, ticket.c.id == transfer.c.ticket_id).order_by(transfer.c.ticket_id, transfer.c.id)
    ).all()
    if not rows:
        return
    years = {_aware(row[2]).year for row in rows} | {_aware(row[3]).year for row in rows}
    calendar = standard_calendar(range(min(years), max(years) + 1))
    previous_ticket, since = None, None
    for transfer_id, ticket_id, moved_at, submitted_at in rows:
        if ticket_id != previous_ticket:
            previous_ticket, since = ticket_id, _aware(submitted_at)
        held = working_minutes_between(calendar, since, _aware(moved_at))
        connection.execute(transfer.update().where(transfer.c.id == transfer_id).values(held_minutes=held))
        since = _aware(moved_at)


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_day', sa.Integer(), nullable=True))
        batch_op.create_index('ix_ticket_institution_id_resolved_at', ['institution_id', 'resolved_at'],
                              unique=False)
        batch_op.create_index('ix_ticket_institution_id_first_response_at', ['institution_id', 'first_response_at'],
                              unique=False)
    with op.batch_alter_table('ticket_transfer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_minutes', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_transfer_created_at'), ['created_at'], unique=False)
    connection = op.get_bind()
    _backfill_submitted_day(connection)
    _backfill_held_minutes(connection)


def downgrade():
    with op.batch_alter_table('ticket_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_transfer_created_at'))
        batch_op.drop_column('held_minutes')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_institution_id_first_response_at')
        batch_op.drop_index('ix_ticket_institution_id_resolved_at')
        batch_op.drop_column('submitted_day')
