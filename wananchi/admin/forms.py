"""Forms of the administration pages: they check the shape of the input; the services check the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from wananchi.accounts.labels import ROLE_LABELS
from wananchi.accounts.services import MIN_PASSWORD_LENGTH
from wananchi.admin.labels import KIND_LABELS, LANGUAGE_LABELS
from wananchi.core.contact import InvalidContact, normalise_email
from wananchi.core.i18n import localized_name
from wananchi.institutions.models import Category, Institution, Region

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


class InstitutionForm(FlaskForm):
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


class CategoryForm(FlaskForm):
    """A service citizens choose on the submit form."""

    name_sw = _text(_l("Name in Swahili"), 200, _l("Write the name in Swahili."))
    name_en = _text(_l("Name in English"), 200, _l("Write the name in English."))
    code = _code(_l("Code"), 60)
    institution = _choice(_l("Institution responsible"), required_message=_l("Choose the institution."))
    is_local = BooleanField(_l("Local service: tickets go to the council of the chosen district"))


class RoutingRuleForm(FlaskForm):
    """What a rule matches and where it sends the ticket."""

    category = _choice(_l("Service"))
    region = _choice(_l("Region"))
    district = _choice(_l("District"))
    institution = _choice(_l("Send to institution"), required_message=_l("Choose the institution."))


class RoutingTryForm(FlaskForm):
    """A service and a district to see where a ticket would go (sent by GET, so no security token)."""

    class Meta:
        csrf = False

    category = StringField(_l("Service"), validators=[Optional(), Length(max=60)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=60)])


class UserForm(FlaskForm):
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
        try:
            normalise_email(field.data or "")
        except InvalidContact:
            raise ValidationError(_l("Write a valid e-mail address, for example jina@mfano.go.tz.")) from None


class NewUserForm(UserForm):
    """A new staff account, with a password chosen by the administrator or a temporary one."""

    password = PasswordField(
        _l("Password"),
        validators=[
            Optional(),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("Write between %(min)d and %(max)d characters.")),
        ],
    )


class PolicyForm(FlaskForm):
    """The security policy of one role."""

    require_totp = BooleanField(_l("Require two-step login (a code from an authenticator app)"))


class CannedResponseForm(FlaskForm):
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
