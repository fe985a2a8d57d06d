"""The words for requests about personal data and their outcomes."""

from flask_babel import lazy_gettext as _l

from wananchi.privacy.models import RequestKind, RequestStatus

REQUEST_KIND_LABELS = {
    RequestKind.CORRECTION: _l("Correction of contact details"),
    RequestKind.ERASURE: _l("Erasure of personal data before the retention period ends"),
}

REQUEST_STATUS_LABELS = {
    RequestStatus.PENDING: _l("Waiting for the supervisor's decision"),
    RequestStatus.GRANTED: _l("Granted"),
    RequestStatus.REFUSED: _l("Refused"),
}
