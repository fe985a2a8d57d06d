"""The words for requests about personal data and their outcomes."""

from flask_babel import lazy_gettext as _l

from wananchi.privacy.models import RequestKind, RequestStatus

REQUEST_KIND_LABELS = {
    RequestKind.CORRECTION: _l("Correction of contact details"),
    RequestKind.ERASURE: _l("Erasure of personal data before the retention period ends"),
    RequestKind.ACCESS: _l("A copy of the personal data held"),
}

IDENTITY_CHECK_LABELS = {
    "national_id": _l("National identity card (NIDA)"),
    "voter_card": _l("Voter's card"),
    "passport": _l("Passport"),
    "driving_licence": _l("Driving licence"),
    "tracking_code": _l("The ticket's tracking code, shown by the citizen"),
    "call_back": _l("A call back to the phone number given with the ticket"),
    "other": _l("Another way (say which below)"),
}

REQUEST_STATUS_LABELS = {
    RequestStatus.PENDING: _l("Waiting for the supervisor's decision"),
    RequestStatus.GRANTED: _l("Granted"),
    RequestStatus.REFUSED: _l("Refused"),
}
