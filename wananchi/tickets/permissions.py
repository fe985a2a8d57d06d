"""Named permissions, denied by default, and the one check every view and service uses: can()."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from wananchi.institutions.models import Category, Institution

if TYPE_CHECKING:
    from wananchi.accounts.models import User
    from wananchi.tickets.models import Ticket


class Permission(enum.StrEnum):
    VIEW_QUEUE = "view_queue"  # an institution's queue (obj: Institution)
    VIEW_TICKET = "view_ticket"  # a ticket's thread and history (obj: Ticket)
    WORK_TICKET = "work_ticket"  # claim, reply, note, ask, resolve, close, reopen, transfer, merge
    ASSIGN_TICKET = "assign_ticket"  # give a ticket to an officer (supervisors)
    VIEW_CONTACT = "view_contact"  # a named citizen's name, e-mail and phone (obj: Ticket)
    DIRECT_TICKET = "direct_ticket"  # write a directive onto a ticket (oversight, supervisors)
    NOTE_TICKET = "note_ticket"  # add an internal note: those who work the ticket, or direct it
    ADMINISTER = "administer"  # the administration pages
    # The audit log (who saw and changed what), its lists by person, ticket and period, and its export:
    # administrators and auditors; an auditor holds this permission and no other.
    READ_AUDIT = "read_audit"
    # Citizens' contact details in an export of the queue (supervisors of the institution; obj: Institution); the
    # export of anyone else carries none.
    EXPORT_CONTACT = "export_contact"
    READ_REPORT = "read_report"  # an institution's report and its exports (obj: Institution)
    READ_NODE_REPORT = "read_node_report"  # a node's report with everything below it, and its league (obj: Institution)
    VIEW_ESCALATIONS = "view_escalations"  # the escalation inbox of the user's own node
    # The team view: each officer's open, overdue and answered tickets and time to first response (supervisors of
    # the institution; obj: Institution).
    VIEW_TEAM = "view_team"
    # An institution's system (integration key) submits a ticket about a service the institution owns, or one
    # routed to it (obj: the service's Category, or the Institution the ticket would be routed to).
    SUBMIT_FOR_INSTITUTION = "submit_for_institution"
    VIEW_INTEGRATION_KEYS = "view_integration_keys"  # the keys issued to an institution (obj: Institution)
    # Record a ticket on a citizen's behalf (a call, a letter, a visit to the desk): its officers (obj: Institution).
    RECORD_TICKET = "record_ticket"
    # Keep a ticket's personal data past its retention period, or release it (supervisors; obj: Ticket).
    HOLD_PERSONAL_DATA = "hold_personal_data"
    # Grant or refuse a citizen's request to correct or erase their personal data (supervisors; obj: Ticket), or
    # list the requests of an institution (obj: Institution).
    DECIDE_DATA_REQUEST = "decide_data_request"
    # Record a citizen's request about their personal data after checking who they are (telephone, desk, letter):
    # the officers and supervisors of the ticket's institution (obj: Ticket).
    RECORD_DATA_REQUEST = "record_data_request"
    # Write and edit the institution's published answers (Maswali), from a consenting ticket or as an article:
    # its officers and supervisors (obj: Institution).
    WRITE_ANSWER = "write_answer"
    # Approve an answer for publication, and confirm a published one is still right: its supervisors (obj: Institution).
    APPROVE_ANSWER = "approve_answer"
    # Act on several tickets of the queue at once (obj: Institution): those who work its tickets. Each ticket is
    # then checked by its own action's permission, as one by one.
    ACT_IN_BULK = "act_in_bulk"


def ancestor_ids(institution: Institution) -> list[int]:
    """The ids of an institution and every node above it, nearest first."""
    ids = []
    node: Institution | None = institution
    while node is not None and node.id not in ids:
        ids.append(node.id)
        node = node.parent
    return ids


def subtree_ids(root_id: int) -> Any:
    """A select of the ids of `root_id` and every institution below it (a recursive query)."""
    tree = select(Institution.id).where(Institution.id == root_id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Institution.id).where(Institution.parent_id == tree.c.id))
    return select(tree.c.id)


def _in_reach(user: User, institution: Institution) -> bool:
    """Whether an institution is the user's own (officers, supervisors) or below their node (oversight)."""
    from wananchi.accounts.models import Role

    if user.institution_id is None:
        return False
    if user.role in (Role.OFFICER, Role.SUPERVISOR, Role.INTEGRATION):
        return institution.id == user.institution_id
    if user.role == Role.OVERSIGHT:
        return user.institution_id in ancestor_ids(institution)
    return False


def _integration_permission(user: User, permission: Permission, obj: Any) -> bool:
    """An institution's system reads the tickets routed to it and those about its own services, sees the
    citizen's contact on the first, and submits tickets of either kind; it never changes a ticket."""
    from wananchi.tickets.models import Ticket

    institution_id = user.institution_id
    if permission == Permission.VIEW_QUEUE:
        return isinstance(obj, Institution) and obj.id == institution_id
    if permission == Permission.SUBMIT_FOR_INSTITUTION:
        return (isinstance(obj, Category) and obj.institution_id == institution_id) or (
            isinstance(obj, Institution) and obj.id == institution_id
        )
    if not isinstance(obj, Ticket):
        return False
    routed_to_it = obj.institution_id == institution_id
    if permission == Permission.VIEW_TICKET:
        return routed_to_it or (obj.category is not None and obj.category.institution_id == institution_id)
    if permission == Permission.VIEW_CONTACT:
        return routed_to_it and obj.personal_data_erased_at is None
    return False


def _ticket_permission(user: User, permission: Permission, ticket: Ticket) -> bool:
    from wananchi.accounts.models import Role
    from wananchi.tickets.models import Identity

    own = user.works_tickets and ticket.institution_id == user.institution_id
    if permission == Permission.VIEW_TICKET:
        if own or (user.role == Role.OVERSIGHT and _in_reach(user, ticket.institution)):
            return True
        # The institution that transferred a ticket away keeps a read-only view of it.
        return user.works_tickets and any(t.from_institution_id == user.institution_id for t in ticket.transfers)
    if permission == Permission.WORK_TICKET:
        return own
    if permission == Permission.ASSIGN_TICKET:
        return own and user.role == Role.SUPERVISOR
    if permission == Permission.VIEW_CONTACT:
        # Contact-hidden and anonymous citizens are never shown, nor contact details once erased.
        return own and ticket.identity == Identity.NAMED and ticket.personal_data_erased_at is None
    if permission == Permission.DIRECT_TICKET:
        return (user.role == Role.OVERSIGHT and _in_reach(user, ticket.institution)) or (
            own and user.role == Role.SUPERVISOR
        )
    if permission == Permission.NOTE_TICKET:
        return own or _ticket_permission(user, Permission.DIRECT_TICKET, ticket)
    if permission == Permission.RECORD_DATA_REQUEST:
        return own
    if permission in (Permission.HOLD_PERSONAL_DATA, Permission.DECIDE_DATA_REQUEST):
        return own and user.role == Role.SUPERVISOR
    return False


def can(user: Any, permission: Permission, obj: Any = None) -> bool:
    """Whether `user` holds `permission` on `obj`; anything not granted here is denied."""
    from wananchi.accounts.models import Role, User
    from wananchi.tickets.models import Ticket

    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.INTEGRATION:
        return _integration_permission(user, permission, obj)
    if user.role == Role.AUDITOR:
        return permission == Permission.READ_AUDIT
    if permission == Permission.READ_AUDIT:
        return user.can_administer
    if permission == Permission.EXPORT_CONTACT:
        return isinstance(obj, Institution) and user.role == Role.SUPERVISOR and obj.id == user.institution_id
    if permission == Permission.ADMINISTER:
        return user.can_administer
    if permission == Permission.VIEW_INTEGRATION_KEYS:
        return isinstance(obj, Institution) and user.role == Role.SUPERVISOR and obj.id == user.institution_id
    if permission == Permission.VIEW_QUEUE:
        return isinstance(obj, Institution) and _in_reach(user, obj)
    if permission == Permission.RECORD_TICKET:
        return isinstance(obj, Institution) and user.works_tickets and obj.id == user.institution_id
    if permission == Permission.ACT_IN_BULK:
        return isinstance(obj, Institution) and user.works_tickets and obj.id == user.institution_id
    if permission == Permission.WRITE_ANSWER:
        return isinstance(obj, Institution) and user.works_tickets and obj.id == user.institution_id
    if permission == Permission.APPROVE_ANSWER:
        return isinstance(obj, Institution) and user.role == Role.SUPERVISOR and obj.id == user.institution_id
    if permission == Permission.VIEW_ESCALATIONS:
        return user.institution_id is not None and user.role in (Role.SUPERVISOR, Role.OVERSIGHT)
    if permission == Permission.VIEW_TEAM:
        return isinstance(obj, Institution) and user.role == Role.SUPERVISOR and obj.id == user.institution_id
    if permission == Permission.DECIDE_DATA_REQUEST and isinstance(obj, Institution):
        return user.role == Role.SUPERVISOR and obj.id == user.institution_id
    if permission == Permission.READ_REPORT:
        return isinstance(obj, Institution) and user.role in (Role.SUPERVISOR, Role.OVERSIGHT) and _in_reach(user, obj)
    if permission == Permission.READ_NODE_REPORT:
        return isinstance(obj, Institution) and user.role == Role.OVERSIGHT and _in_reach(user, obj)
    if isinstance(obj, Ticket):
        return _ticket_permission(user, permission, obj)
    return False


def visible_institution_ids(user: Any) -> Any:
    """A select of the institutions whose tickets `user` may list (empty for administrators)."""
    from wananchi.accounts.models import Role

    if user.institution_id is None or user.role == Role.ADMIN:
        return select(Institution.id).where(Institution.id.is_(None))
    if user.role == Role.OVERSIGHT:
        return subtree_ids(user.institution_id)
    return select(Institution.id).where(Institution.id == user.institution_id)
