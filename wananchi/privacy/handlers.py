"""The citizen is told by message (e-mail and SMS, where they gave them) that their request about their personal
data was received, and by when it is decided, then of the decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wananchi.notifications.handlers import notify_citizen
from wananchi.privacy import signals
from wananchi.privacy.labels import REQUEST_KIND_LABELS
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus

EVENT = "data_request_decided"
RECEIVED = "data_request_received"


def _on_received(request: DataRequest, *, now: dt.datetime, **_: Any) -> None:
    notify_citizen(request.ticket, RECEIVED, now, data_request=request, kind_label=REQUEST_KIND_LABELS[request.kind])


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
    """Subscribe the citizen's messages to the domain's signals (once)."""
    signals.data_request_received.connect(_on_received, weak=False)
    signals.data_request_decided.connect(_on_decided, weak=False)
