"""The accounts domain's background work: password-reset links."""

from __future__ import annotations

from wananchi.accounts.services import send_password_reset_link
from wananchi.core.tasks import huey, in_app_context
from wananchi.extensions import db


@huey.task(retries=5, retry_delay=60)
@in_app_context
def send_password_reset(email: str) -> None:
    """E-mail a password-reset link if an active account has this address (queued by the forgotten-password page)."""
    send_password_reset_link(email)
    db.session.commit()
