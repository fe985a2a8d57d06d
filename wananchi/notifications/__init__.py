"""Notifications by e-mail and SMS: a transactional outbox delivered by background workers with retries."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The outbox's subscriptions to the domains' signals, its delivery after each commit, the delivery tasks, and
    the account's notification settings (added to the account blueprint before it is registered)."""
    from wananchi.notifications import views  # noqa: F401  (its routes are added to the account blueprint)
    from wananchi.notifications.handlers import connect_handlers
    from wananchi.notifications.tasks import enqueue_after_commit

    connect_handlers()
    enqueue_after_commit()
