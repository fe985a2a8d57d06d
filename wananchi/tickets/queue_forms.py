"""Forms of the queue page: save the current view under a name, delete a saved one, act on chosen tickets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from wananchi.core.forms import Form
from wananchi.tickets.bulk import MAX_BULK_TICKETS
from wananchi.tickets.staff_forms import TEXT_LIMIT

BULK_ACTIONS = ("assign", "transfer", "close", "merge")
BULK_ACTION_LABELS = {
    "assign": _l("Assign to an officer"),
    "transfer": _l("Transfer to another institution"),
    "close": _l("Close (resolved tickets)"),
    "merge": _l("Merge into one ticket"),
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SaveFilterForm(Form):
    """Keep the queue view of the page's address under a name (the service checks the name)."""

    name = StringField(_l("Name of the filter"))


class DeleteFilterForm(Form):
    """Delete a saved filter (CSRF only)."""


class BulkForm(Form):
    """One action for every ticket chosen on the page; each value of `ticket` is "reference:version"."""

    ticket = SelectMultipleField(
        _l("Tickets"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose at least one ticket in the list."))],
    )
    action = RadioField(
        _l("What to do"),
        choices=[SelectChoice(name, BULK_ACTION_LABELS[name]) for name in BULK_ACTIONS],
        validators=[InputRequired(message=_l("Choose what to do with the chosen tickets."))],
    )
    assignee = SelectField(_l("Officer"), validate_choice=False)
    institution = SelectField(_l("Institution"), validate_choice=False)
    reason = TextAreaField(_l("Reason for the transfer"), filters=[_strip], validators=[TEXT_LIMIT])
    into = StringField(_l("Reference number of the surviving ticket"), filters=[_strip], validators=[Length(max=40)])

    def validate_ticket(self, field: SelectMultipleField) -> None:
        """At most one page of tickets at once."""
        if len(field.data or []) > MAX_BULK_TICKETS:
            raise ValidationError(_l("Choose at most %(count)d tickets at once.", count=MAX_BULK_TICKETS))
