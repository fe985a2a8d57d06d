"""Staff notification preferences (the defaults until a user changes them)."""

from __future__ import annotations

from wananchi.accounts.models import User
from wananchi.notifications.models import Channel


def channels_for(user: User, event: str) -> set[Channel]:
    """The channels `user` wants for `event`: e-mail by default."""
    return {Channel.EMAIL}
