"""The citizen's requests about their personal data, and the supervisor's decision."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, StringField, TelField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from wananchi.core.forms import Form, checked_email, checked_phone
from wananchi.privacy.labels import IDENTITY_CHECK_LABELS

REASON_LIMIT = Length(max=2000, message=_l("The text may be at most 2,000 characters."))


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class CorrectionForm(Form):
    """The contact details as they should be (only those to change), and why."""

    name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[Optional(), Length(max=120, message=_l("The name may be at most 120 characters."))],
    )
    email = EmailField(_l("E-mail address"), filters=[_strip], validators=[Optional()])
    phone = TelField(_l("Phone number"), filters=[_strip], validators=[Optional()])
    reason = TextAreaField(_l("What is wrong"), filters=[_strip], validators=[REASON_LIMIT])

    def validate_email(self, field: EmailField) -> None:
        if field.data:
            field.data = checked_email(field.data)

    def validate_phone(self, field: TelField) -> None:
        if field.data:
            field.data = checked_phone(field.data)

    def details(self) -> dict[str, str]:
        """The new values given, by detail."""
        return {name: getattr(self, name).data for name in ("name", "email", "phone") if getattr(self, name).data}


class ErasureForm(Form):
    """Why the citizen asks for erasure before the retention period ends."""

    reason = TextAreaField(_l("Why"), filters=[_strip], validators=[REASON_LIMIT])


class DecisionForm(Form):
    """The supervisor grants or refuses a request, with the reason the citizen reads."""

    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("grant", _l("Grant")), SelectChoice("refuse", _l("Refuse"))],
        validators=[InputRequired(message=_l("Choose grant or refuse."))],
    )
    reason = TextAreaField(
        _l("Reason"), filters=[_strip], validators=[InputRequired(message=_l("Give the reason.")), REASON_LIMIT]
    )


class StaffRequestForm(CorrectionForm):
    """A request an officer records for a citizen (telephone, desk, letter) after checking who they are."""

    kind = RadioField(
        _l("What the citizen asks for"),
        choices=[
            SelectChoice("access", _l("A copy of the personal data held")),
            SelectChoice("correction", _l("Correction of contact details")),
            SelectChoice("erasure", _l("Erasure of personal data before the retention period ends")),
        ],
        validators=[InputRequired(message=_l("Choose what the citizen asks for."))],
    )
    identity_check = SelectField(
        _l("How you checked who the citizen is"),
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(value, label) for value, label in IDENTITY_CHECK_LABELS.items()],
        validators=[InputRequired(message=_l("Choose how you checked who the citizen is."))],
    )
    identity_note = StringField(
        _l("What you checked"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write what you checked.")),
            Length(max=200, message=_l("What you checked may be at most 200 characters.")),
        ],
    )

    def validate_identity_check(self, field: SelectField) -> None:
        if field.data not in IDENTITY_CHECK_LABELS:
            raise ValidationError(_l("Choose how you checked who the citizen is."))
