"""Web forms of the citizen pages: they check shape; the services check the rules."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from wananchi.accounts.models import STAFF_ROLES, User
from wananchi.core.forms import Form, checked_email, checked_phone
from wananchi.core.i18n import by_name, localized_name
from wananchi.extensions import db
from wananchi.institutions.labels import TOPIC_LABELS
from wananchi.institutions.models import Category, District, Institution, Region
from wananchi.institutions.routing import active_category, district_with_code
from wananchi.tickets.labels import IDENTITY_LABELS, TYPE_LABELS
from wananchi.tickets.models import CITIZEN_TYPES, Identity
from wananchi.tickets.references import new_submission_key

DONT_KNOW = "sijui"
SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_\-]{32,64}$")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


# The fields whose messages speak to whoever fills the form in: the citizen here, the officer on the form of a
# ticket recorded for a citizen (wananchi/tickets/staff_forms.py).
def type_field(required: str) -> RadioField:
    """The ticket's type; `required` is said when none is chosen."""
    return RadioField(
        _l("Type of ticket"),
        choices=[SelectChoice(t.value, TYPE_LABELS[t]) for t in CITIZEN_TYPES],
        validators=[InputRequired(message=required)],
    )


def category_field(required: str) -> SelectField:
    """The service the ticket is about; `required` is said when none is chosen."""
    return SelectField(_l("Service"), validators=[InputRequired(message=required)], validate_choice=False)


def description_field(required: str) -> TextAreaField:
    """The ticket's description; `required` is said when it is empty."""
    return TextAreaField(
        _l("Description"),
        filters=[_strip],
        validators=[
            InputRequired(message=required),
            Length(min=20, max=5000, message=_l("The description must be between 20 and 5,000 characters.")),
        ],
    )


def identity_field(label: str, required: str, choices: Mapping[Identity, str] = IDENTITY_LABELS) -> RadioField:
    """Named, contact hidden or anonymous, each named by `choices`; `required` is said when none is chosen."""
    return RadioField(
        label,
        choices=[SelectChoice(i.value, choices[i]) for i in Identity],
        default=Identity.NAMED.value,
        validators=[InputRequired(message=required)],
    )


class SubmitForm(Form):
    """A new ticket."""

    type = type_field(_l("Choose the type of your ticket."))
    category = category_field(_l('Choose the service your ticket is about, or "I don\'t know".'))
    district = SelectField(_l("District"), validators=[Optional()], validate_choice=False)
    subject = StringField(
        _l("Subject"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write a short subject.")),
            Length(min=5, max=150, message=_l("The subject must be between 5 and 150 characters.")),
        ],
    )
    description = description_field(_l("Describe your matter."))
    # Required for council services (validate_place); no Optional(), which would skip that check when empty.
    place = StringField(
        _l("Street or village, and ward"),
        filters=[_strip],
        validators=[Length(max=200, message=_l("The place may be at most 200 characters."))],
    )
    # Filled by the "use my location" button where the browser allows it (static/js/fomu.js).
    latitude = HiddenField()
    longitude = HiddenField()
    attachments = MultipleFileField(_l("Attachments (optional)"))
    identity = identity_field(_l("How do you want to be identified?"), _l("Choose how you want to be identified."))
    name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[Optional(), Length(max=120, message=_l("The name may be at most 120 characters."))],
    )
    email = EmailField(_l("E-mail address"), filters=[_strip], validators=[Optional()])
    phone = TelField(_l("Phone number"), filters=[_strip], validators=[Optional()])
    publication_consent = BooleanField(
        _l("I agree that the text of my ticket and the answer may be published without my personal details")
    )
    submission_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not SUBMISSION_KEY_RE.match(self.submission_key.data or ""):
            self.submission_key.data = new_submission_key()
        self.normalised_email: str | None = None
        self.normalised_phone: str | None = None

    def validate_category(self, field: SelectField) -> None:
        if field.data != DONT_KNOW and self.selected_category() is None:
            raise ValidationError(_l("Choose a service from the list."))

    def validate_district(self, field: SelectField) -> None:
        if field.data and self.selected_district() is None:
            raise ValidationError(_l("Choose a district from the list."))

    def validate_place(self, field: StringField) -> None:
        category = self.selected_category()
        if category is not None and category.is_local and not field.data:
            raise ValidationError(_l("Write the street or village and the ward where the problem is."))

    def validate_email(self, field: EmailField) -> None:
        if field.data:
            self.normalised_email = checked_email(field.data)

    def validate_phone(self, field: TelField) -> None:
        if field.data:
            self.normalised_phone = checked_phone(field.data)

    def coordinates(self) -> tuple[float, float] | tuple[None, None]:
        """The location the citizen's browser gave, in degrees; none unless both are numbers on the globe (only
        the form's script fills them, so anything else was not a location and is left out)."""
        try:
            latitude, longitude = float(self.latitude.data or ""), float(self.longitude.data or "")
        except ValueError:
            return None, None
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            return None, None
        if abs(latitude) > 90 or abs(longitude) > 180:
            return None, None
        return round(latitude, 6), round(longitude, 6)

    def fill_in_from_link(self, args: Mapping[str, str]) -> None:
        """Choose the type and service a link asked for (`?aina=opinion&huduma=<code>`, as the footer's link to
        give feedback on this service does), when they are ones the form offers."""
        ticket_type = args.get("aina", "")
        if ticket_type in {t.value for t in CITIZEN_TYPES}:
            self.type.data = ticket_type
        service = args.get("huduma", "")[:60]
        if service == DONT_KNOW or (service and active_category(service) is not None):
            self.category.data = service

    def selected_category(self) -> Category | None:
        """The chosen category, or None for "I don't know" or an unknown value (looked up once)."""
        if "_category" not in self.__dict__:
            code = self.category.data
            self._category = active_category(code) if code and code != DONT_KNOW else None
        return self._category

    def selected_district(self) -> District | None:
        """The chosen district, if any (looked up once)."""
        if "_district" not in self.__dict__:
            code = self.district.data
            self._district = district_with_code(code) if code else None
        return self._district


def _written(label: object, message: object, max_length: int) -> StringField:
    """A required one-line field, stripped, whose one message says what to write (when empty or too long)."""
    return StringField(
        label, filters=[_strip], validators=[InputRequired(message=message), Length(max=max_length, message=message)]
    )


class ReferenceForm(Form):
    """A form that names a ticket by its reference number, as the citizen was given it."""

    reference = _written(
        _l("Reference number"), _l("Write the reference number, for example WN-2026-000123."), max_length=40
    )

    def fill_in_reference(self, linked: str | None) -> None:
        """Show the reference a link carried (`?ref=`, as in every message's tracking link), cut to fit."""
        if linked:
            self.reference.data = linked[:40]


class TrackForm(ReferenceForm):
    """Open a ticket with its reference number and tracking code."""

    code = _written(_l("Tracking code"), _l("Write the tracking code you were given."), max_length=40)


class NewCodeForm(ReferenceForm):
    """Ask for a new tracking code, sent to the e-mail address or phone number given with the ticket."""

    contact = _written(
        _l("E-mail address or phone number"),
        _l("Write the e-mail address or the phone number you gave with your ticket."),
        max_length=254,
    )


class AddInformationForm(Form):
    """The citizen adds information to a ticket."""

    body = TextAreaField(
        _l("Information to add"),
        filters=[_strip],
        validators=[Length(max=5000, message=_l("The text may be at most 5,000 characters."))],
    )
    attachments = MultipleFileField(_l("Attachments (optional)"))


Groups = list[tuple[str, list[tuple[str, str, bool]]]]


def category_groups() -> Groups:
    """The active services as (topic, [(code, "service — institution", is_local)]): the topics in their order,
    the services of each sorted by name in the current language. A council service names no institution (the
    citizen's district decides which council gets it)."""
    rows = db.session.execute(
        select(Category, Institution).join(Category.institution).where(Category.is_active.is_(True))
    ).all()
    order = {topic: number for number, topic in enumerate(TOPIC_LABELS)}
    groups: dict[str, list[tuple[str, str, bool]]] = {}
    for category, institution in sorted(rows, key=lambda r: (order[r[0].topic], localized_name(r[0]).casefold())):
        provider = _("council") if category.is_local else institution.short_name or localized_name(institution)
        groups.setdefault(str(TOPIC_LABELS[category.topic]), []).append(
            (category.code, f"{localized_name(category)} — {provider}", category.is_local)
        )
    return list(groups.items())


def district_groups() -> Groups:
    """The districts as (region name, [(code, name, False)]), sorted by name."""
    rows = db.session.execute(select(District, Region).join(District.region)).all()
    groups: dict[str, list[tuple[str, str, bool]]] = {}
    for district, region in sorted(rows, key=lambda r: (r[1].name, r[0].name)):
        groups.setdefault(region.name, []).append((district.code, district.name, False))
    return list(groups.items())


def officer_choices(institution_id: int) -> list[SelectChoice]:
    """The institution's active officers and supervisors as (id, name) choices by name, after "—" for nobody."""
    rows = db.session.execute(
        select(User.id, User.name).where(
            User.institution_id == institution_id, User.role.in_(STAFF_ROLES), User.active.is_(True)
        )
    )
    officers = by_name(rows, lambda row: row.name)
    return [SelectChoice("", "—"), *(SelectChoice(str(row.id), row.name) for row in officers)]


def transfer_choices(institution_id: int) -> list[SelectChoice]:
    """The other active institutions as (id, name in the page's language) choices by name, after "—"."""
    rows = db.session.execute(
        select(Institution.id, Institution.name_sw, Institution.name_en).where(
            Institution.is_active.is_(True), Institution.id != institution_id
        )
    )
    return [SelectChoice("", "—"), *(SelectChoice(str(row.id), localized_name(row)) for row in by_name(rows))]


class RatingForm(Form):
    """The citizen's answer to "umeridhika?"."""

    rating = RadioField(
        _l("Are you satisfied with the answer?"),
        choices=[
            SelectChoice("5", _l("5 — very satisfied")),
            SelectChoice("4", _l("4 — satisfied")),
            SelectChoice("3", _l("3 — neither")),
            SelectChoice("2", _l("2 — not satisfied")),
            SelectChoice("1", _l("1 — not at all satisfied")),
        ],
        validators=[InputRequired(message=_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        filters=[_strip],
        validators=[Length(max=2000, message=_l("The comment may be at most 2,000 characters."))],
    )


class AppealForm(Form):
    """The citizen reopens an unsatisfactory answer to a complaint."""

    reason = TextAreaField(
        _l("Why are you not satisfied?"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write why you are not satisfied.")),
            Length(max=5000, message=_l("The text may be at most 5,000 characters.")),
        ],
    )
