"""Administration: institutions, categories, routing rules, users and roles, canned responses."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The administration pages (with the pages other domains added to the blueprint before)."""
    from wananchi.admin.views import bp

    app.register_blueprint(bp)
