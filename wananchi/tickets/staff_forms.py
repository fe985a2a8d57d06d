"""Forms of the officer's ticket page: one per action, each carrying the ticket's version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from wananchi.core.forms import Form
from wananchi.core.numbers import whole_number
from wananchi.tickets.forms import SubmitForm, category_field, description_field, identity_field, type_field
from wananchi.tickets.labels import CHANNEL_LABELS, OUTCOME_LABELS, RECORDED_IDENTITY_LABELS
from wananchi.tickets.models import STAFF_CHANNELS, KeptUpload

TEXT_LIMIT = Length(max=10_000, message=_l("The text may be at most 10,000 characters."))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class VersionedForm(Form):
    """The version of the ticket the officer saw; a stale one is refused."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        """The version as a number, or None if missing or malformed."""
        return whole_number(self.version.data)


class ClaimForm(VersionedForm):
    """Take the ticket."""


class CloseForm(VersionedForm):
    """Close a resolved ticket."""


class ContactForm(VersionedForm):
    """Show the citizen's contact details (the view is recorded)."""


class LegalHoldForm(VersionedForm):
    """Keep the ticket's personal data past its retention period (a case or an investigation needs it), or release
    it; the reason is recorded."""

    reason = TextAreaField(
        _l("Reason"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Give the reason.")),
            Length(max=2000, message=_l("The text may be at most 2,000 characters.")),
        ],
    )


class FilesForm(VersionedForm):
    """A message to the citizen that may carry files (checked as the citizen's are) and start from a canned
    response; `kept` holds the files that passed the checks on an earlier post of the form."""

    attachments = MultipleFileField(_l("Attachments (optional)"))
    canned = SelectField(_l("Prepared reply"), choices=[], validate_choice=False, validators=[Optional()])
    kept: list[KeptUpload]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kept = []


class ReplyForm(FilesForm):
    body = TextAreaField(
        _l("Reply to the citizen"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Write the reply.")), TEXT_LIMIT],
    )
    resolve = BooleanField(_l("This answers the question: resolve the ticket now"))


class NoteForm(VersionedForm):
    body = TextAreaField(
        _l("Internal note"), filters=[_strip], validators=[InputRequired(message=_l("Write the note.")), TEXT_LIMIT]
    )


class InformationRequestForm(FilesForm):
    body = TextAreaField(
        _l("What do you need from the citizen?"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Write what you need from the citizen.")), TEXT_LIMIT],
    )


class ResolveForm(VersionedForm):
    summary = TextAreaField(
        _l("Summary of the resolution (the citizen reads it)"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write a summary of the resolution: the citizen will read it.")),
            TEXT_LIMIT,
        ],
    )
    outcome = SelectField(
        _l("Outcome of the suggestion"),
        choices=[SelectChoice("", "—"), *[SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()]],
        validators=[Optional()],
    )


class ReopenForm(VersionedForm):
    reason = TextAreaField(
        _l("Why is it reopened?"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Write why the ticket is reopened.")), TEXT_LIMIT],
    )


class TransferForm(VersionedForm):
    institution = SelectField(
        _l("Institution"), validate_choice=False, validators=[InputRequired(message=_l("Choose the institution."))]
    )
    reason = TextAreaField(
        _l("Reason for the transfer"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Write why the ticket belongs to the other institution.")), TEXT_LIMIT],
    )
    # Set by a routing suggestion's one-click transfer: the offer shown and which of its suggestions (1 first).
    offer = HiddenField()
    rank = HiddenField()
    service = HiddenField()  # the suggestion's service, which the ticket takes with the transfer


class MergeForm(VersionedForm):
    reference = StringField(
        _l("Reference number of the surviving ticket"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Write the reference number of the ticket to keep.")), Length(max=40)],
    )


class AssignForm(VersionedForm):
    assignee = SelectField(
        _l("Officer"), validate_choice=False, validators=[InputRequired(message=_l("Choose an officer."))]
    )


class CommendationForm(VersionedForm):
    officer = SelectField(_l("Officer"), validate_choice=False, validators=[Optional()])
    unit = StringField(_l("Or a unit or section"), filters=[_strip], validators=[Length(max=200)])


class RecordForm(SubmitForm):
    """A ticket an officer records on a citizen's behalf: the citizen's words and choices, and how they came. Its
    messages speak to the officer, of the citizen."""

    channel = SelectField(
        _l("How did the citizen reach you?"),
        choices=[SelectChoice(channel.value, CHANNEL_LABELS[channel]) for channel in STAFF_CHANNELS],
        validators=[InputRequired(message=_l("Choose how the citizen reached you."))],
    )
    type = type_field(_l("Choose the type of ticket."))
    category = category_field(_l('Choose the service the ticket is about, or "I don\'t know".'))
    description = description_field(_l("Write the description of the ticket."))
    identity = identity_field(
        _l("How does the citizen want to be identified?"),
        _l("Choose how the citizen wants to be identified."),
        RECORDED_IDENTITY_LABELS,
    )
    publication_consent = BooleanField(
        _l(
            "The citizen agrees that the text of the ticket and the answer may be published without their personal "
            "details"
        )
    )
    language = SelectField(
        _l("The citizen's language (messages are sent in it)"),
        choices=[SelectChoice("sw", "Kiswahili"), SelectChoice("en", "English")],
        default="sw",
        validators=[InputRequired(message=_l("Choose the citizen's language."))],
    )
    identity_consent = BooleanField(
        _l("The citizen agreed to be identified as chosen above"),
        validators=[InputRequired(message=_l("Ask the citizen how they want to be identified, and tick the box."))],
    )
