"""Staff users and the per-role security policy."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wananchi.core.db import UTCDateTime, str_enum, utcnow
from wananchi.extensions import Model
from wananchi.institutions.models import Institution


class Role(enum.StrEnum):
    OFFICER = "officer"  # afisa: works one institution's queue
    SUPERVISOR = "supervisor"  # msimamizi: also assigns, receives escalations, reads reports
    OVERSIGHT = "oversight"  # kiongozi: reads and directs everything below one node of the tree
    ADMIN = "admin"  # msimamizi wa mfumo: configures; reads no tickets
    AUDITOR = "auditor"  # mkaguzi: reads the audit log (who saw and changed what), and nothing else
    # An institution's own system calling the API with an integration key: never an account, only the stand-in
    # user the API checks permissions for (wananchi/api/auth.py).
    INTEGRATION = "integration"


STAFF_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
# The roles a person's account can have.
ACCOUNT_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.OVERSIGHT, Role.ADMIN, Role.AUDITOR)
WITHOUT_INSTITUTION = frozenset({Role.ADMIN, Role.AUDITOR})  # roles that belong to no institution


def new_session_token() -> str:
    """A random token that identifies a user's current sessions; rotating it logs them all out."""
    return secrets.token_urlsafe(24)


class User(UserMixin, Model):
    """A member of staff. Citizens have no accounts."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="sw")
    password_hash: Mapped[str] = mapped_column(String(255))
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Login attempts (password or two-step code) counted since the last complete login, and the end of the
    # delay they have earned: no password or code of this account is checked before it (wananchi/accounts/logins.py).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The time step of the last two-step code accepted: a code is accepted once, and never an earlier one.
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    institution: Mapped[Institution | None] = relationship()

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Flask-Login: a deactivated account cannot log in or stay logged in."""
        return self.active

    def get_id(self) -> str:
        """Flask-Login: the user and their current session token, so a rotated token ends old sessions."""
        return f"{self.id}:{self.session_token}"

    @property
    def works_tickets(self) -> bool:
        """Whether this user answers an institution's tickets."""
        return self.role in STAFF_ROLES and self.institution_id is not None

    @property
    def can_administer(self) -> bool:
        """Whether this user may open the administration pages."""
        return self.role == Role.ADMIN or (self.is_admin and self.role != Role.AUDITOR)

    def is_locked(self, now: dt.datetime) -> bool:
        """Whether failed logins keep this account waiting (no password of it is checked) at `now`."""
        return self.locked_until is not None and self.locked_until > now


class RolePolicy(Model):
    """Security settings an administrator sets per role (for now: whether two-factor codes are required)."""

    __tablename__ = "role_policy"

    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)
    require_totp: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginThrottle(Model):
    """Failed logins from one client address, whatever accounts they tried, and the delay they have earned."""

    __tablename__ = "login_throttle"

    address: Mapped[str] = mapped_column(String(45), primary_key=True)  # an IPv4 or IPv6 address
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
