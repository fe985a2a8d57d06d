"""The staff area's blueprint: dashboard, queue and the officer's ticket page live under /afisa."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/afisa")
