"""The citizen is told by message (e-mail and SMS, where they gave them) of the decision on their request about
their personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wananchi.notifications.handlers import notify_citizen
from wananchi.privacy import signals
from wananchi.privacy.labels import REQUEST_KIND_LABELS
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus

EVENT = "data_request_decided"


def _on_decided(request: DataRequest, *, now: dt.datetime, recipients: list[Any], **_: Any) -> None:
    kind_label = REQUEST_KIND_LABELS[request.kind]  # lazy: rendered in the citizen's language
    erased = request.kind == RequestKind.ERASURE and request.status == RequestStatus.GRANTED
    notify_citizen(
        request.ticket,
        EVENT,
        now,
        recipients=recipients,
        forget_recipient=erased,  # the confirmation of an erasure keeps no address once it is sent
        data_request=request,
        kind_label=kind_label,
    )


def connect_handlers() -> None:
    """Subscribe the citizen's message to the domain's signal (once)."""
    signals.data_request_decided.connect(_on_decided, weak=False)
