"""What an operator of several machines needs: readiness, Prometheus metrics, and JSON logs with request ids."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The readiness and metrics endpoints (the request ids, logs and request metrics are set up with the
    extensions, before any other hook: wananchi.create_app)."""
    from wananchi.ops.views import bp

    app.register_blueprint(bp)
