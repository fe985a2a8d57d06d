"""The officer's form for a published answer, and the one-button forms of its steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from wananchi.core.forms import Form
from wananchi.maswali.services import QUESTION_LENGTH

ANSWER_LIMIT = Length(max=10_000, message=_l("The text may be at most 10,000 characters."))
QUESTION_LIMIT = Length(max=QUESTION_LENGTH, message=_l("The question may be at most 300 characters."))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AnswerForm(Form):
    """A question and its answer in Swahili and English, and the service it is about. English may wait until the
    draft is sent for approval."""

    question_sw = StringField(
        _l("Question (Swahili)"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Write the question in Swahili.")), QUESTION_LIMIT],
    )
    answer_sw = TextAreaField(
        _l("Answer (Swahili)"),
        filters=[_strip],
        validators=[InputRequired(message=_l("Write the answer in Swahili.")), ANSWER_LIMIT],
    )
    question_en = StringField(_l("Question (English)"), filters=[_strip], validators=[QUESTION_LIMIT])
    answer_en = TextAreaField(_l("Answer (English)"), filters=[_strip], validators=[ANSWER_LIMIT])
    category = SelectField(_l("Service"), validate_choice=False)


class StepForm(Form):
    """A step of an answer's life: the button carries only the security token."""
