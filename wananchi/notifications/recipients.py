"""Who is told about what: the citizen (unless anonymous), and the staff an event concerns."""

from __future__ import annotations

from sqlalchemy import select

from wananchi.accounts.models import Role, User
from wananchi.extensions import db
from wananchi.notifications.models import Channel


def officers_of(institution_id: int) -> list[User]:
    """The active officers and supervisors of an institution."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.institution_id == institution_id,
                User.active.is_(True),
                User.role.in_((Role.OFFICER, Role.SUPERVISOR)),
            )
            .order_by(User.id)
        )
    )


def supervisors_of(institution_id: int) -> list[User]:
    """The active supervisors of an institution."""
    return [user for user in officers_of(institution_id) if user.role == Role.SUPERVISOR]


def oversight_of(node_id: int) -> list[User]:
    """The active oversight users attached to a node of the institution tree."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.institution_id == node_id, User.active.is_(True), User.role == Role.OVERSIGHT)
            .order_by(User.id)
        )
    )


def staff_channels(user: User, event: str) -> set[Channel]:
    """The channels a member of staff receives `event` on: e-mail unless their preferences say otherwise."""
    from wananchi.notifications.preferences import channels_for

    channels = channels_for(user, event)
    if not user.phone:
        channels.discard(Channel.SMS)
    return channels
