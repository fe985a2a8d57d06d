"""Demo requests about personal data: a few citizens of the demo tickets ask for an erasure or a correction, so that
the supervisors' list, the queue's data-rights tickets and their response-time targets show in `make run`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from wananchi.accounts.models import Role, User
from wananchi.extensions import db
from wananchi.privacy.models import DataRequest
from wananchi.privacy.requests import decide_request, request_correction, request_erasure
from wananchi.sla.calendars import calendar_for
from wananchi.sla.policies import next_working_instant
from wananchi.tickets.models import Identity, Ticket

INSTITUTION = "dawasa"  # the demo supervisor's institution (msimamizi@dawasa.demo)


def seed_data_requests(tickets: list[Ticket], now: dt.datetime) -> tuple[int, int]:
    """Three requests on named tickets of INSTITUTION (none if its tickets have some already): an erasure asked
    yesterday, a correction asked two weeks ago and still waiting (overdue), and an erasure refused last week; how
    many were made, and how many were there already."""
    asked = [now - dt.timedelta(days=1), now - dt.timedelta(days=14), now - dt.timedelta(days=8)]
    named = [  # each asked about after everything else that happened to it
        ticket
        for ticket in tickets
        if ticket.institution.slug == INSTITUTION
        and ticket.identity == Identity.NAMED
        and ticket.citizen_phone
        and ticket.events[-1].created_at < asked[1]
    ]
    if len(named) < 3:
        return 0, 0
    ids = [ticket.id for ticket in named]
    present = db.session.scalar(select(func.count()).select_from(DataRequest).where(DataRequest.ticket_id.in_(ids)))
    if present:
        return 0, int(present)
    supervisor = db.session.scalar(
        select(User).where(User.role == Role.SUPERVISOR, User.institution_id == named[0].institution_id).limit(1)
    )
    if supervisor is None:
        return 0, 0
    request_erasure(named[0], "Sitaki tena namba yangu ihifadhiwe.", now=asked[0])
    request_correction(named[1], {"phone": "+255754000999"}, "Nimebadilisha namba ya simu.", now=asked[1])
    refused = request_erasure(named[2], "", now=asked[2])
    decide_request(  # in the supervisor's working hours, two days later
        refused,
        False,
        "Hoja bado inashughulikiwa; taarifa zitafutwa kipindi chake kikiisha.",
        actor=supervisor,
        now=next_working_instant(calendar_for(named[2].institution), asked[2] + dt.timedelta(days=2)),
    )
    return 3, 0
