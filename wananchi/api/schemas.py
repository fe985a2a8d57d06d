"""Marshmallow schemas of the API: inputs check shape (the services check the rules), outputs document answers."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from wananchi.core.contact import InvalidContact, normalise_email, normalise_phone
from wananchi.tickets.models import CITIZEN_TYPES, Identity, SuggestionOutcome, TicketType
from wananchi.tickets.progress import STEP_KINDS

MAX_TEXT = 10_000
# Field messages are English message ids; the error handler shows them in the requested language.
BAD_CHARACTERS = "The text contains characters that cannot be used."
BAD_EMAIL = "Write a valid e-mail address, for example name@example.go.tz."
BAD_PHONE = "Write a valid phone number, for example 0712 345 678."
COORDINATES_APART = "Give latitude and longitude together."


class Text(fields.String):
    """A string with no NUL or unpaired surrogate characters (no database can store them)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text):
            raise ValidationError(BAD_CHARACTERS)
        return text.strip()


def _length(minimum: int | None, maximum: int) -> validate.Length:
    return validate.Length(min=minimum, max=maximum)


# --- public --------------------------------------------------------------------------------------


class InstitutionSchema(Schema):
    slug = fields.String(required=True)
    kind = fields.String(required=True)
    name_sw = fields.String(required=True)
    name_en = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "The name in the requested language."})
    parent = fields.String(allow_none=True, required=True)


class CategorySchema(Schema):
    code = fields.String(required=True)
    name_sw = fields.String(required=True)
    name_en = fields.String(required=True)
    name = fields.String(required=True)
    institution = fields.String(required=True, metadata={"description": "The slug of the responsible institution."})
    is_local = fields.Boolean(required=True, metadata={"description": "Provided by councils: a district is needed."})


class DistrictSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    region = fields.String(required=True)
    region_name = fields.String(required=True)


class SubmitSchema(Schema):
    # A citizen's types only: a request about personal data is asked from the tracking page or through staff.
    type = fields.Enum(
        TicketType,
        by_value=True,
        required=True,
        validate=validate.OneOf(CITIZEN_TYPES),
        error_messages={"unknown": "Must be one of: " + ", ".join(CITIZEN_TYPES) + "."},
    )
    category = Text(
        allow_none=True,
        load_default=None,
        validate=_length(None, 60),
        metadata={"description": 'A category code; null or "sijui" when the citizen does not know.'},
    )
    district = Text(allow_none=True, load_default=None, validate=_length(None, 60))
    subject = Text(required=True, validate=_length(5, 150))
    description = Text(required=True, validate=_length(20, 5000))
    identity = fields.Enum(Identity, by_value=True, load_default=Identity.NAMED)
    name = Text(allow_none=True, load_default=None, validate=_length(None, 120))
    email = Text(allow_none=True, load_default=None, validate=_length(None, 254))
    phone = Text(allow_none=True, load_default=None, validate=_length(None, 40))
    language = fields.String(load_default="sw", validate=validate.OneOf(["sw", "en"]))
    place = Text(
        allow_none=True,
        load_default=None,
        validate=_length(None, 200),
        metadata={"description": "Where the problem is, below the district: street or village, and ward."},
    )
    latitude = fields.Float(
        allow_none=True,
        load_default=None,
        allow_nan=False,
        validate=validate.Range(-90, 90),
        metadata={"description": "Where the problem is, in WGS84 degrees (with longitude)."},
    )
    longitude = fields.Float(allow_none=True, load_default=None, allow_nan=False, validate=validate.Range(-180, 180))
    publication_consent = fields.Boolean(
        load_default=False,
        truthy={True},
        falsy={False},
        metadata={
            "description": "Consent to publication (ridhaa ya kuchapishwa), asked of the citizen separately: true "
            "if they agree that the text of the ticket and the answer may be published without their personal "
            "details (Open311 then publishes them, unless the ticket is anonymous). False when left out."
        },
    )

    @validates_schema
    def _coordinates(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(COORDINATES_APART, "longitude")

    @validates("email")
    def _email(self, value: str | None, **kwargs: Any) -> None:
        if value:
            try:
                normalise_email(value)
            except InvalidContact:
                raise ValidationError(BAD_EMAIL) from None

    @validates("phone")
    def _phone(self, value: str | None, **kwargs: Any) -> None:
        if value:
            try:
                normalise_phone(value)
            except InvalidContact:
                raise ValidationError(BAD_PHONE) from None


class IdempotencyHeaderSchema(Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key",
        validate=_length(1, 200),
        load_default=None,
        metadata={"description": "Retrying with the same key returns the first answer."},
    )


class ReceiptSchema(Schema):
    reference = fields.String(required=True)
    tracking_code = fields.String(required=True)
    status = fields.String(required=True)
    institution = fields.Nested(InstitutionSchema, required=True)
    created_at = fields.DateTime(required=True)
    publication_consent = fields.Boolean(required=True, metadata={"description": "The consent as recorded."})


class TrackSchema(Schema):
    reference = Text(required=True, validate=_length(1, 40))
    code = Text(required=True, validate=_length(1, 40))


class InformationSchema(TrackSchema):
    body = Text(required=True, validate=_length(1, 5000))


class PublicMessageSchema(Schema):
    kind = fields.String(required=True)
    body = fields.String(required=True)
    author = fields.String(
        required=True,
        metadata={"description": 'As the tracking page names it: "You" or the institution, never an officer.'},
    )
    created_at = fields.DateTime(required=True)


class ProgressStepSchema(Schema):
    at = fields.DateTime(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(STEP_KINDS))
    label = fields.String(required=True, metadata={"description": "A short label, in the response's language."})
    detail = fields.String(allow_none=True, required=True, metadata={"description": "A sentence, if the step has one."})


class TrackedTicketSchema(Schema):
    reference = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    subject = fields.String(required=True)
    description = fields.String(required=True)
    institution = fields.Nested(InstitutionSchema, required=True)
    resolution_summary = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "For a ticket merged into another, that ticket's summary, written for both."},
    )
    merged_into = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The ticket this one was merged into (the last, if that one was merged too)."},
    )
    merged_into_status = fields.String(
        allow_none=True, required=True, metadata={"description": "The status of the ticket it was merged into."}
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(
        required=True, metadata={"description": "The latest step or message shown to the citizen."}
    )
    messages = fields.List(fields.Nested(PublicMessageSchema), required=True)
    progress = fields.List(fields.Nested(ProgressStepSchema), required=True)


# --- staff ---------------------------------------------------------------------------------------


class QueueArgsSchema(Schema):
    tab = fields.String(load_default="", validate=_length(None, 200))
    type = fields.String(load_default="", validate=_length(None, 200))
    category = fields.String(load_default="", validate=_length(None, 200))
    status = fields.String(load_default="", validate=_length(None, 200))
    region = fields.String(load_default="", validate=_length(None, 200))
    district = fields.String(load_default="", validate=_length(None, 200))
    date_from = fields.String(data_key="from", load_default="", validate=_length(None, 200))
    date_to = fields.String(data_key="to", load_default="", validate=_length(None, 200))
    q = fields.String(load_default="", validate=_length(None, 200))
    sort = fields.String(load_default="", validate=_length(None, 200))
    cursor = fields.String(load_default=None, allow_none=True, validate=_length(None, 500))


class QueueItemSchema(Schema):
    reference = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    subject = fields.String(required=True)
    institution = fields.String(required=True)
    assignee = fields.String(allow_none=True, required=True)
    district = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    next_due_at = fields.DateTime(allow_none=True, required=True)
    version = fields.Integer(required=True)


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    ignored = fields.List(
        fields.String(), required=True, metadata={"description": "A message for each filter that was not understood."}
    )


class StaffMessageSchema(Schema):
    kind = fields.String(required=True)
    body = fields.String(required=True)
    author = fields.String(allow_none=True, required=True, metadata={"description": "The author's name."})
    author_id = fields.Integer(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)


class EventSchema(Schema):
    kind = fields.String(required=True)
    actor = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    data = fields.Dict(required=True)


class StaffTicketSchema(Schema):
    reference = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    channel = fields.String(required=True)
    language = fields.String(required=True)
    subject = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(allow_none=True, required=True)
    institution = fields.Nested(InstitutionSchema, required=True)
    district = fields.String(allow_none=True, required=True)
    assignee = fields.String(allow_none=True, required=True)
    assignee_id = fields.Integer(allow_none=True, required=True)
    identity = fields.String(required=True)
    publication_consent = fields.Boolean(required=True, metadata={"description": "The citizen's consent."})
    text_is_public = fields.Boolean(
        required=True,
        metadata={
            "description": "Whether Open311 publishes the description and the latest reply: the citizen consented "
            "and did not send anonymously. A reply sent now is public if this is true."
        },
    )
    resolution_summary = fields.String(allow_none=True, required=True)
    outcome = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    next_due_at = fields.DateTime(allow_none=True, required=True)
    version = fields.Integer(required=True, metadata={"description": "Send it back with an action."})
    messages = fields.List(fields.Nested(StaffMessageSchema), required=True)
    events = fields.List(fields.Nested(EventSchema), required=True)


class VersionedSchema(Schema):
    version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "The ticket's version as last read (409 if it changed)."},
    )


class ReplySchema(VersionedSchema):
    body = Text(required=True, validate=_length(1, MAX_TEXT))
    resolve = fields.Boolean(load_default=False, metadata={"description": "Answer and resolve a question."})


class NoteSchema(VersionedSchema):
    body = Text(required=True, validate=_length(1, MAX_TEXT))


class StatusSchema(VersionedSchema):
    status = fields.String(
        required=True,
        validate=validate.OneOf(["in_progress", "resolved", "closed", "reopened"]),
        metadata={"description": "in_progress claims the ticket; resolved needs a summary; reopened needs a reason."},
    )
    summary = Text(load_default="", validate=_length(None, MAX_TEXT))
    reason = Text(load_default="", validate=_length(None, MAX_TEXT))
    outcome = fields.Enum(SuggestionOutcome, by_value=True, load_default=None, allow_none=True)


class AssignSchema(VersionedSchema):
    assignee_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))


class TransferSchema(VersionedSchema):
    institution = Text(required=True, validate=_length(1, 60), metadata={"description": "The slug of the target."})
    reason = Text(required=True, validate=_length(1, MAX_TEXT))
    service = Text(
        load_default=None,
        validate=_length(1, 60),
        metadata={"description": "Optional: the code of a service the target answers; the ticket takes it too."},
    )


class ApiErrorSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(required=True)
