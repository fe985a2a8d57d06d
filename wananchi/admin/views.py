"""Administration pages; only administrators may open them."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from wananchi.core.permissions import Permission, can

bp = Blueprint("admin", __name__, url_prefix="/utawala")


@bp.before_request
def _administrators_only() -> None:
    if not can(current_user, Permission.ADMINISTER):
        abort(404)


@bp.get("/")
def index():
    """The administration home page."""
    return render_template("admin/index.html")
