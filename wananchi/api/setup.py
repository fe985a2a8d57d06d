"""The API's wiring: the smorest Api (its errors scoped to /api/), the OpenAPI document and its page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template
from flask_smorest import Api

from wananchi.api.errors import install_request_guards, register_api_error_handlers, unmatched_api_path
from wananchi.api.schemas import ApiErrorSchema
from wananchi.extensions import csrf, limiter

API_VERSION = "1"


class ScopedApi(Api):  # type: ignore[misc]
    """A smorest Api whose JSON error handler covers the API blueprints only, not the HTML site."""

    ERROR_SCHEMA = ApiErrorSchema  # documented errors have the shape the handlers send

    def _register_error_handlers(self) -> None:
        """Leave the application's handlers alone; each API blueprint registers its own."""


docs_bp = Blueprint("api", __name__, url_prefix="/api")
register_api_error_handlers(docs_bp)


@docs_bp.get("/v1/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3 document of the API."""
    return jsonify(current_app.extensions["wananchi_api"].spec.to_dict())


@docs_bp.get("/v1/docs")
def documentation() -> str:
    """The API's documentation, rendered on the server from the OpenAPI document (no external script)."""
    spec = current_app.extensions["wananchi_api"].spec.to_dict()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append({"path": path, "method": method.upper(), **operation})
    return render_template(
        "api/docs.html", spec=spec, operations=operations, schemas=spec.get("components", {}).get("schemas", {})
    )


@docs_bp.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(path: str) -> Response:
    """Any other /api/ path: a JSON 404 (or 405 with Allow, when only the method is wrong)."""
    return unmatched_api_path()


def init_api(app: Flask) -> None:
    """Register the API blueprints, exempt them from CSRF (they use tokens, never cookies) and set limits."""
    from wananchi.api import public, staff

    defaults: dict[str, Any] = {
        "API_TITLE": "Wananchi API",
        "API_VERSION": API_VERSION,
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": None,  # the document is served by docs_bp, under the API's own error handling
    }
    for name, value in defaults.items():
        app.config.setdefault(name, value)
    api = ScopedApi(app, spec_kwargs={"servers": [{"url": "/"}]})
    app.extensions["wananchi_api"] = api
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (public.blp, staff.blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    csrf.exempt(docs_bp)
    limiter.exempt(docs_bp)
    app.register_blueprint(docs_bp)
    install_request_guards(app)
