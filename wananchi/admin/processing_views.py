"""The record of processing for administrators and auditors: each kind of personal data, why, on what basis, where,
who can see it and how long it is kept, worked out from the permission rules and the retention configuration."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from wananchi.admin.common import bp
from wananchi.privacy.processing import record_of_processing, request_days
from wananchi.privacy.retention import current_periods


@bp.get("/uchakataji")
def processing() -> ResponseReturnValue:
    """The record of processing, for the retention periods in force."""
    return render_template(
        "admin/processing.html",
        entries=record_of_processing(current_periods()),
        request_days=request_days(),
    )
