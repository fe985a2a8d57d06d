"""Demo staff accounts: the ones printed for people trying the service, and the officers in the demo history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from wananchi.accounts.models import Role, User
from wananchi.accounts.passwords import hash_password
from wananchi.demo.places import slugify
from wananchi.demo.threads import SUPERVISORS
from wananchi.extensions import db
from wananchi.institutions.models import Institution

# Shown by `seed-demo`; demo data never belongs in production.
DEMO_PASSWORD = "Wananchi-Demo-2026"  # noqa: S105 - printed for people trying the demo


@dataclass(frozen=True)
class DemoAccount:
    """An account printed for people trying the demo."""

    email: str
    name: str
    role: Role
    institution: str | None  # slug


SHOWN_ACCOUNTS = (
    DemoAccount("afisa@dawasa.demo", "Amina Mushi", Role.OFFICER, "dawasa"),
    DemoAccount("msimamizi@dawasa.demo", "Dkt. Elizabeth Nyirenda", Role.SUPERVISOR, "dawasa"),
    DemoAccount("afisa@dawati.demo", "Hamisi Said", Role.OFFICER, "dawati"),
    DemoAccount("kiongozi@maji.demo", "Mhandisi Charles Shirima", Role.OVERSIGHT, "wizara-ya-maji"),
    DemoAccount("kiongozi@tamisemi.demo", "Bi. Mwanahawa Salum", Role.OVERSIGHT, "tamisemi"),
    DemoAccount("kiongozi@taifa.demo", "Bw. Daniel Lema", Role.OVERSIGHT, "taifa"),
    DemoAccount("admin@wananchi.demo", "Msimamizi wa Mfumo", Role.ADMIN, None),
)


class DemoStaff:
    """Finds or creates demo accounts; every one shares the demo password (hashed once)."""

    def __init__(self) -> None:
        self._password_hash: str | None = None
        self._users: dict[str, User] = {}
        self.created = 0
        self.present = 0

    def _hash(self) -> str:
        if self._password_hash is None:
            self._password_hash = hash_password(DEMO_PASSWORD)
        return self._password_hash

    def account(self, email: str, name: str, role: Role, institution: Institution | None) -> User:
        """The demo user with this e-mail address, created if missing."""
        if email in self._users:
            return self._users[email]
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            self.present += 1
            self._users[email] = user
            return user
        user = User(
            email=email,
            name=name,
            role=role,
            is_admin=role == Role.ADMIN,
            institution=institution,
            password_hash=self._hash(),
        )
        db.session.add(user)
        db.session.flush()
        self.created += 1
        self._users[email] = user
        return user

    def actor(self, name: str, institution: Institution) -> User:
        """The demo officer (or supervisor, for the supervisors' names) of `institution` called `name`.

        A printed account of that name and institution is that person (the demo officer Amina Mushi of DAWASA is the
        Amina Mushi of its history), so no institution has two members of staff of one name."""
        for shown in SHOWN_ACCOUNTS:
            if shown.name == name and shown.institution == institution.slug:
                return self.account(shown.email, shown.name, shown.role, institution)
        role = Role.SUPERVISOR if name in SUPERVISORS else Role.OFFICER
        email = f"{slugify(name)}@{institution.slug}.demo"
        return self.account(email, name, role, institution)


def seed_shown_accounts(staff: DemoStaff, institutions: dict[str, Institution]) -> list[DemoAccount]:
    """Create the printed accounts whose institution exists; return them."""
    shown = []
    for spec in SHOWN_ACCOUNTS:
        institution = institutions.get(spec.institution) if spec.institution else None
        if spec.institution and institution is None:
            continue
        staff.account(spec.email, spec.name, spec.role, institution)
        shown.append(spec)
    return shown
