"""The status machine: every action in every status, legal and illegal, with its resulting status."""

from __future__ import annotations

import itertools

import pytest

from wananchi.core.errors import DomainError
from wananchi.tickets.labels import STAFF_STATUS_LABELS
from wananchi.tickets.models import TicketStatus as S
from wananchi.tickets.workflow import ACTION_LABELS, allowed_actions, next_status
from wananchi.tickets.workflow import Action as A

OPEN = [S.RECEIVED, S.IN_PROGRESS, S.AWAITING_CITIZEN, S.ANSWERED, S.REOPENED]

# The specification, written out by hand: (status, action) -> resulting status. Anything absent is illegal.
LEGAL: dict[tuple[S, A], S] = {}
for status in OPEN:
    LEGAL[status, A.ASSIGN] = status
    LEGAL[status, A.REPLY] = S.ANSWERED
    LEGAL[status, A.REQUEST_INFO] = S.AWAITING_CITIZEN
    LEGAL[status, A.RESOLVE] = S.RESOLVED
    LEGAL[status, A.TRANSFER] = S.RECEIVED
    LEGAL[status, A.MERGE] = S.CLOSED
    if status != S.AWAITING_CITIZEN:
        LEGAL[status, A.CLAIM] = S.IN_PROGRESS
for status in S:
    LEGAL[status, A.NOTE] = status
    if status != S.CLOSED:
        LEGAL[status, A.CITIZEN_MESSAGE] = S.IN_PROGRESS if status == S.AWAITING_CITIZEN else status
        LEGAL[status, A.COMMEND] = status
LEGAL[S.RESOLVED, A.CLOSE] = S.CLOSED
LEGAL[S.RESOLVED, A.REOPEN] = S.REOPENED
for status in (S.RESOLVED, S.CLOSED):
    LEGAL[status, A.RATE] = status
    LEGAL[status, A.APPEAL] = S.REOPENED


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)), ids=lambda v: str(v))
def test_every_action_in_every_status(app, status, action):
    with app.test_request_context():
        if (status, action) in LEGAL:
            assert next_status(status, action) == LEGAL[status, action]
        else:
            with pytest.raises(DomainError) as refused:
                next_status(status, action)
            # The refusal names the action and the current status, in the user's language.
            assert str(STAFF_STATUS_LABELS[status]) in refused.value.message
            assert str(ACTION_LABELS[action]) in refused.value.message


def test_allowed_actions_lists_exactly_the_legal_ones():
    for status in S:
        assert set(allowed_actions(status)) == {action for (s, action) in LEGAL if s == status}


def test_a_closed_ticket_only_takes_notes_ratings_and_appeals():
    assert set(allowed_actions(S.CLOSED)) == {A.NOTE, A.RATE, A.APPEAL}
