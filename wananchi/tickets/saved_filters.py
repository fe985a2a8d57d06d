"""Queue views an officer saves under a name: the tab, filters, search and order, listed on their queue."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from wananchi.accounts.models import User
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.tickets.models import SavedQueueFilter
from wananchi.tickets.queue import QueueFilter, search_kind

MAX_NAME_LENGTH = 60
MAX_SAVED_FILTERS = 30


def saved_filters(user: User) -> list[SavedQueueFilter]:
    """The user's saved queue views, by name."""
    return list(
        db.session.scalars(
            select(SavedQueueFilter)
            .where(SavedQueueFilter.user_id == user.id)
            .order_by(func.lower(SavedQueueFilter.name))
        )
    )


def clean_name(name: str | None) -> str:
    """The name as it is kept: spaces collapsed; DomainError (field "name") when empty, too long or not text."""
    text = " ".join((name or "").split())
    if not text:
        raise DomainError(_("Give the filter a name."), field="name")
    if len(text) > MAX_NAME_LENGTH:
        raise DomainError(_("The name may be at most %(count)d characters.", count=MAX_NAME_LENGTH), field="name")
    if not all(character.isprintable() for character in text):
        raise DomainError(_("The name may hold only letters, digits, spaces and punctuation."), field="name")
    return text


def save_filter(user: User, name: str | None, flt: QueueFilter) -> SavedQueueFilter:
    """Keep the queue view `flt` under `name` for `user`; the name must be new to them (any case)."""
    text = clean_name(name)
    if flt.search and search_kind(flt.search) == "contact":
        raise DomainError(_("A search for a citizen's phone or e-mail is not saved: it would keep their contact."))
    kept = saved_filters(user)
    if any(saved.name.casefold() == text.casefold() for saved in kept):
        raise DomainError(
            _("You already have a filter named “%(name)s”. Choose another name, or delete that one first.", name=text),
            field="name",
        )
    if len(kept) >= MAX_SAVED_FILTERS:
        raise DomainError(
            _("You can keep at most %(count)d filters. Delete one you no longer use first.", count=MAX_SAVED_FILTERS)
        )
    saved = SavedQueueFilter(user_id=user.id, name=text, query=flt.query_args())
    db.session.add(saved)
    db.session.flush()
    return saved


def delete_filter(user: User, filter_id: int) -> SavedQueueFilter | None:
    """Delete one of the user's saved filters; None when they have no filter with this id."""
    saved = db.session.get(SavedQueueFilter, filter_id)
    if saved is None or saved.user_id != user.id:
        return None
    db.session.delete(saved)
    db.session.flush()
    return saved
