"""can(): every named permission × every kind of user × the objects it is asked about, denied by default."""

from __future__ import annotations

import pytest

from tests.world import build_staff, build_world, complaint
from wananchi.tickets.models import Identity
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.services import submit_ticket

ROLES = ("officer_a", "supervisor_a", "officer_b", "oversight_above_a", "oversight_elsewhere", "admin", "auditor")

# (permission, object) -> the roles granted it; every other role is refused.
# Objects: "A" / "B" are the agency's / the council's institution; "named", "hidden" and "anonymous" are tickets
# of the agency (A) by identity; None is no object.
EXPECTED: dict[tuple[Permission, str | None], set[str]] = {
    (Permission.VIEW_QUEUE, "A"): {"officer_a", "supervisor_a", "oversight_above_a"},
    (Permission.VIEW_QUEUE, "B"): {"officer_b", "oversight_elsewhere"},
    (Permission.VIEW_TICKET, "named"): {"officer_a", "supervisor_a", "oversight_above_a"},
    (Permission.WORK_TICKET, "named"): {"officer_a", "supervisor_a"},
    (Permission.ASSIGN_TICKET, "named"): {"supervisor_a"},
    (Permission.DIRECT_TICKET, "named"): {"supervisor_a", "oversight_above_a"},
    (Permission.NOTE_TICKET, "named"): {"officer_a", "supervisor_a", "oversight_above_a"},
    (Permission.VIEW_CONTACT, "named"): {"officer_a", "supervisor_a"},
    (Permission.VIEW_CONTACT, "hidden"): set(),  # officers write through the service; nobody reads the contact
    (Permission.VIEW_CONTACT, "anonymous"): set(),
    (Permission.ADMINISTER, None): {"admin"},
    (Permission.READ_AUDIT, None): {"admin", "auditor"},  # the auditor holds this one permission and no other
    (Permission.EXPORT_CONTACT, "A"): {"supervisor_a"},  # contact details in the queue's export
    (Permission.EXPORT_CONTACT, "B"): set(),
    (Permission.READ_REPORT, "A"): {"supervisor_a", "oversight_above_a"},
    (Permission.READ_REPORT, "B"): {"oversight_elsewhere"},
    (Permission.READ_NODE_REPORT, "A"): {"oversight_above_a"},
    (Permission.READ_NODE_REPORT, "B"): {"oversight_elsewhere"},
    (Permission.VIEW_ESCALATIONS, None): {"supervisor_a", "oversight_above_a", "oversight_elsewhere"},
    (Permission.VIEW_INTEGRATION_KEYS, "A"): {"supervisor_a"},
    (Permission.VIEW_TEAM, "A"): {"supervisor_a"},  # the team view: the institution's supervisors
    (Permission.VIEW_TEAM, "B"): set(),
    (Permission.SUBMIT_FOR_INSTITUTION, "A"): set(),  # an institution's system only (its integration key)
    (Permission.RECORD_TICKET, "A"): {"officer_a", "supervisor_a"},  # its own officers, for citizens who call...
    (Permission.RECORD_TICKET, "B"): {"officer_b"},
    (Permission.ACT_IN_BULK, "A"): {"officer_a", "supervisor_a"},  # the queue's bulk actions: its own officers
    (Permission.ACT_IN_BULK, "B"): {"officer_b"},
    (Permission.HOLD_PERSONAL_DATA, "named"): {"supervisor_a"},  # a legal hold: the institution's supervisor
    (Permission.HOLD_PERSONAL_DATA, "anonymous"): {"supervisor_a"},
    (Permission.DECIDE_DATA_REQUEST, "named"): {"supervisor_a"},
    (Permission.DECIDE_DATA_REQUEST, "A"): {"supervisor_a"},  # the list of the institution's requests
    (Permission.RECORD_DATA_REQUEST, "named"): {"officer_a", "supervisor_a"},  # for a citizen whose identity they check
    (Permission.RECORD_DATA_REQUEST, "anonymous"): {"officer_a", "supervisor_a"},  # refused by the service instead
    (Permission.WRITE_ANSWER, "A"): {"officer_a", "supervisor_a"},  # its own officers write its published answers
    (Permission.WRITE_ANSWER, "B"): {"officer_b"},
    (Permission.APPROVE_ANSWER, "A"): {"supervisor_a"},  # and its supervisors approve them
    (Permission.APPROVE_ANSWER, "B"): set(),
}


def test_every_permission_is_in_the_table():
    assert {permission for permission, _obj in EXPECTED} == set(Permission)


@pytest.fixture
def objects(db):
    world = build_world()
    staff = build_staff(world)
    tickets = {
        identity.value: submit_ticket(
            complaint(world, identity=identity, name="Asha Juma", email="asha@example.co.tz")
        ).ticket
        for identity in Identity
    }
    return staff, {"A": world.agency, "B": world.council, **tickets, None: None}


@pytest.mark.parametrize(("permission", "obj"), list(EXPECTED))
def test_the_permission_is_granted_to_these_roles_only(objects, permission, obj):
    staff, things = objects
    key = {"named": Identity.NAMED.value, "hidden": Identity.CONTACT_HIDDEN.value}.get(obj, obj)
    granted = {role for role in ROLES if can(getattr(staff, role), permission, things[key])}
    assert granted == EXPECTED[(permission, obj)]


def test_the_auditor_holds_no_permission_but_reading_the_audit(objects):
    staff, things = objects
    granted = {
        permission for permission in Permission for thing in things.values() if can(staff.auditor, permission, thing)
    }
    assert granted == {Permission.READ_AUDIT}


def test_nobody_is_granted_anything_without_an_account(objects):
    _staff, things = objects
    assert not any(can(None, permission, thing) for permission in Permission for thing in things.values())
