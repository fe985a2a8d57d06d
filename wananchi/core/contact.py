"""Citizens' contact details: e-mail addresses and phone numbers in one canonical form."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class InvalidContact(ValueError):
    """A contact detail that cannot be used."""


def normalise_email(raw: str) -> str:
    """An e-mail address in normalised form; InvalidContact if it is not one."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidContact(str(error)) from error


def normalise_phone(raw: str, region: str = "TZ") -> str:
    """A phone number in E.164 (+255…); Tanzanian numbers may be typed the local way (0712 345 678)."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException as error:
        raise InvalidContact(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
