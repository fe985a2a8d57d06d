"""Forms of the administration pages: they check the shape of the input; the services check the rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from wananchi.accounts.labels import ROLE_LABELS
from wananchi.accounts.passwords import MIN_PASSWORD_LENGTH
from wananchi.admin.labels import KIND_LABELS, LANGUAGE_LABELS
from wananchi.core.forms import Form, checked_email
from wananchi.core.i18n import localized_name
from wananchi.institutions.labels import TOPIC_LABELS
from wananchi.institutions.models import Category, Institution, Region, Topic
from wananchi.sla.models import Calendar
from wananchi.sla.services import INTERVALS_PER_DAY, WEEKDAYS, hours_field
from wananchi.tickets.labels import TYPE_LABELS

CODE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CHOOSE_FROM_LIST = _l("Choose from the list.")
NOTHING = SelectChoice("", "—")
TOO_LONG = _l("Write at most %(max)d characters.")


def _strip(value: Any) -> Any:
    """Text without surrounding spaces; anything else unchanged."""
    return value.strip() if isinstance(value, str) else value


def _no_control_characters(form: FlaskForm, field: Any) -> None:
    """Refuse text carrying NUL bytes, which no database column can store."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError(_l("Remove the invisible control characters from this text."))


def optional_id(value: Any) -> int | None:
    """A chosen row id, or None for the empty choice."""
    if value is None or value == "":
        return None
    return int(value)


def _text(label: Any, max_length: int, required_message: Any | None = None) -> StringField:
    """A single-line text field, stripped, required when it has a message for a missing value."""
    presence = InputRequired(message=required_message) if required_message else Optional()
    return StringField(
        label, filters=[_strip], validators=[presence, Length(max=max_length, message=TOO_LONG), _no_control_characters]
    )


def _code(label: Any, max_length: int) -> StringField:
    """A short lowercase code used in addresses and files (letters, digits and hyphens)."""
    return StringField(
        label,
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write the code.")),
            Length(max=max_length, message=TOO_LONG),
            Regexp(CODE_PATTERN, message=_l("Use lowercase letters, digits and hyphens only, e.g. wizara-ya-maji.")),
        ],
    )


def _choice(label: Any, *, required_message: Any | None = None) -> SelectField:
    """A select of rows by id; the empty choice means none unless a message makes it required."""
    validators = [InputRequired(message=required_message)] if required_message else []
    return SelectField(
        label, coerce=optional_id, validators=validators, invalid_choice_message=CHOOSE_FROM_LIST, choices=[]
    )


def institution_choices(rows: list[tuple[Institution, int]], *, exclude: set[int] | None = None) -> list[SelectChoice]:
    """The institutions in tree order, indented by depth, without the `exclude`d ones."""
    return [
        SelectChoice(str(institution.id), "— " * depth + localized_name(institution))
        for institution, depth in rows
        if institution.id not in (exclude or set())
    ]


def region_choices(regions: list[Region]) -> list[SelectChoice]:
    """The regions by name."""
    return [SelectChoice(str(region.id), region.name) for region in regions]


def district_choices(regions: list[Region]) -> list[SelectChoice]:
    """The districts grouped under their region."""
    return [
        SelectChoice(str(district.id), district.name, optgroup=region.name)
        for region in regions
        for district in region.districts
    ]


def category_choices(categories: list[Category]) -> list[SelectChoice]:
    """The services grouped under the institution that owns them."""
    rows = sorted(categories, key=lambda c: (localized_name(c.institution), localized_name(c)))
    return [SelectChoice(str(c.id), localized_name(c), optgroup=localized_name(c.institution)) for c in rows]


class InstitutionForm(Form):
    """An institution: names, kind, place in the tree, and place on the map."""

    name_sw = _text(_l("Name in Swahili"), 200, _l("Write the name in Swahili."))
    name_en = _text(_l("Name in English"), 200, _l("Write the name in English."))
    short_name = _text(_l("Short name (abbreviation)"), 30)
    slug = _code(_l("Short address"), 60)
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    parent = _choice(_l("Institution above it"))
    region = _choice(_l("Region"))
    district = _choice(_l("District"))
    is_triage = BooleanField(_l("Receives tickets whose citizen chose “I don't know”"))
    is_active = BooleanField(_l("Active (receives tickets)"), default=True)
    calendar = _choice(_l("Working calendar"))


class CategoryForm(Form):
    """A service citizens choose on the submit form."""

    name_sw = _text(_l("Name in Swahili"), 200, _l("Write the name in Swahili."))
    name_en = _text(_l("Name in English"), 200, _l("Write the name in English."))
    code = _code(_l("Code"), 60)
    institution = _choice(_l("Institution responsible"), required_message=_l("Choose the institution."))
    is_local = BooleanField(_l("Local service: tickets go to the council of the chosen district"))
    topic = SelectField(
        _l("Topic"),
        choices=[SelectChoice(topic.value, label) for topic, label in TOPIC_LABELS.items()],
        default=Topic.OTHER.value,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )


class RoutingRuleForm(Form):
    """What a rule matches and where it sends the ticket."""

    category = _choice(_l("Service"))
    region = _choice(_l("Region"))
    district = _choice(_l("District"))
    institution = _choice(_l("Send to institution"), required_message=_l("Choose the institution."))


class RoutingTryForm(Form):
    """A service and a district to see where a ticket would go (sent by GET, so no security token)."""

    class Meta:
        csrf = False

    category = StringField(_l("Service"), validators=[Optional(), Length(max=60)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=60)])


class UserForm(Form):
    """A staff account: who they are, their role and institution."""

    name = _text(_l("Name"), 120, _l("Write the name."))
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write the e-mail address.")),
            Length(max=254, message=TOO_LONG),
            _no_control_characters,
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    institution = _choice(_l("Institution"))
    is_admin = BooleanField(_l("May also open the administration pages"))
    language = SelectField(
        _l("Language of e-mails and SMS"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )

    def validate_email(self, field: EmailField) -> None:
        """The address must look like an e-mail address."""
        checked_email(field.data or "")


class NewUserForm(UserForm):
    """A new staff account, with a password chosen by the administrator or a temporary one."""

    password = PasswordField(
        _l("Password"),
        validators=[
            Optional(),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("Write between %(min)d and %(max)d characters.")),
        ],
    )


class PolicyForm(Form):
    """The security policy of one role."""

    require_totp = BooleanField(_l("Require two-step login (a code from an authenticator app)"))


class CannedResponseForm(Form):
    """A prepared reply, in Swahili and English."""

    institution = _choice(_l("Institution"), required_message=_l("Choose the institution."))
    title = _text(_l("Title"), 120, _l("Write the title."))
    body_sw = TextAreaField(
        _l("Text in Swahili"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write the text in Swahili.")),
            Length(max=10_000, message=TOO_LONG),
            _no_control_characters,
        ],
    )
    body_en = TextAreaField(
        _l("Text in English"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write the text in English.")),
            Length(max=10_000, message=TOO_LONG),
            _no_control_characters,
        ],
    )


# Working calendars, their dates, response targets

STANDARD_WEEK = SelectChoice("", _l("Standard week: Monday–Friday 07:30–15:30"))
ALL_CALENDARS = SelectChoice("", _l("All calendars"))
WEEKDAY_LABELS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
TIME_OF_DAY = r"^(?:[01]?\d|2[0-3]):[0-5]\d$|^24:00$"
WHOLE_DAYS = r"^\d{1,4}$"


def _padded_time(value: Any) -> Any:
    """A time of day as HH:MM (7:30 becomes 07:30), without surrounding spaces."""
    value = _strip(value)
    return f"0{value}" if isinstance(value, str) and re.match(r"^\d:\d\d$", value) else value


def calendar_choices(calendars: list[Calendar]) -> list[SelectChoice]:
    """The working calendars by name."""
    return [SelectChoice(str(calendar.id), calendar.name) for calendar in calendars]


def type_choices() -> list[SelectChoice]:
    """The ticket types, in the order of the submit form."""
    return [SelectChoice(ticket_type.value, label) for ticket_type, label in TYPE_LABELS.items()]


class CalendarForm(Form):
    """A working calendar: name, time zone, around the clock, and up to two intervals per weekday (added below)."""

    name = _text(_l("Name"), 120, _l("Write the name."))
    timezone = _text(_l("Time zone"), 60, _l("Write the time zone."))
    always_open = BooleanField(_l("Open around the clock (24 hours, 7 days, holidays included)"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Besides each time's shape: both ends of an interval, and the first interval before a second one."""
        valid = super().validate(extra_validators)
        for weekday in WEEKDAYS:
            for interval in range(INTERVALS_PER_DAY):
                start, end = self[hours_field(weekday, interval, "from")], self[hours_field(weekday, interval, "to")]
                if start.data and not end.data and not end.errors:
                    end.errors = [*end.errors, _l("Write the closing time too.")]
                elif end.data and not start.data and not start.errors:
                    start.errors = [*start.errors, _l("Write the opening time too.")]
                elif interval and start.data and not self[hours_field(weekday, 0, "from")].data:
                    start.errors = [*start.errors, _l("Use the first interval before the second.")]
                else:
                    continue
                valid = False
        return valid

    def hours(self) -> dict[str, list[list[str]]]:
        """The intervals filled in, per weekday ("0" is Monday)."""
        return {
            str(weekday): [
                [self[hours_field(weekday, interval, "from")].data, self[hours_field(weekday, interval, "to")].data]
                for interval in range(INTERVALS_PER_DAY)
                if self[hours_field(weekday, interval, "from")].data
            ]
            for weekday in WEEKDAYS
        }


def _time_field(weekday: int, interval: int, edge: str) -> StringField:
    """One end of one interval of a weekday, as HH:MM."""
    day = WEEKDAY_LABELS[weekday]
    labels = {
        (0, "from"): _l("%(day)s: opens at", day=day),
        (0, "to"): _l("%(day)s: closes at", day=day),
        (1, "from"): _l("%(day)s: opens again at", day=day),
        (1, "to"): _l("%(day)s: closes again at", day=day),
    }
    label = labels[interval, edge]
    # The message names its field: the summary above the form lists every wrong time of the week.
    message = _l("%(field)s — write the time as HH:MM, e.g. 07:30.", field=label)
    return StringField(label, filters=[_padded_time], validators=[Optional(), Regexp(TIME_OF_DAY, message=message)])


def _add_hours_fields(form_class: type[FlaskForm]) -> None:
    """Give a form the from/to fields of every interval of every weekday."""
    for weekday in WEEKDAYS:
        for interval in range(INTERVALS_PER_DAY):
            for edge in ("from", "to"):
                setattr(form_class, hours_field(weekday, interval, edge), _time_field(weekday, interval, edge))


_add_hours_fields(CalendarForm)


class CalendarDateForm(Form):
    """A date closed or open, in every calendar or in one."""

    day = StringField(
        _l("Date"),
        filters=[_strip, lambda value: parse_day(value) or value],
        validators=[InputRequired(message=_l("Write the date."))],
    )
    is_working = RadioField(
        _l("On this date"),
        choices=[
            SelectChoice("closed", _l("Closed (a holiday or a closure)")),
            SelectChoice("open", _l("Open (a normal working day)")),
        ],
        default="closed",
        validators=[InputRequired(message=_l("Choose closed or open."))],
    )
    note = _text(_l("Note"), 200)
    calendar = _choice(_l("Calendar"))

    def validate_day(self, field: StringField) -> None:
        """The date must be a real date written YYYY-MM-DD (the filter has then turned it into a date)."""
        if not isinstance(field.data, dt.date):
            raise ValidationError(_l("Write the date as YYYY-MM-DD, e.g. 2026-03-20."))


def parse_day(value: Any) -> dt.date | None:
    """A date written YYYY-MM-DD, or None if it is not one."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _days(label: Any, missing: Any) -> StringField:
    """A whole number of working days; `missing` names the field, since a form has two of them side by side."""
    return StringField(
        label,
        filters=[_strip],
        validators=[
            InputRequired(message=missing),
            Regexp(WHOLE_DAYS, message=_l("Write a whole number of working days, e.g. 5.")),
        ],
    )


class ResponseTargetForm(Form):
    """What a target applies to and the working days it allows."""

    institution = _choice(_l("Institution"))
    category = _choice(_l("Service"))
    type = SelectField(_l("Type"), invalid_choice_message=CHOOSE_FROM_LIST, choices=[])
    first_response_days = _days(
        _l("First response (working days)"), _l("Write the number of working days allowed for the first response.")
    )
    resolution_days = _days(
        _l("Resolution (working days)"), _l("Write the number of working days allowed for the resolution.")
    )


class RetentionPeriodForm(Form):
    """What a retention period applies to, and its days."""

    institution = _choice(_l("Institution"))
    ticket_type = SelectField(_l("Type"), invalid_choice_message=CHOOSE_FROM_LIST, choices=[])
    days = StringField(
        _l("Days after the ticket is closed"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Write the number of days.")),
            Regexp(r"^\d{1,5}$", message=_l("Write a whole number of days, e.g. 730.")),
        ],
    )
