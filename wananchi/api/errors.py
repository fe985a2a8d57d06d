"""JSON errors of the API: a code, a message in the requested language, and field errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from wananchi.api.schemas import BAD_CHARACTERS, BAD_EMAIL, BAD_PHONE, COORDINATES_APART
from wananchi.core.errors import DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE, log_database_unavailable
from wananchi.extensions import db

API_PREFIX = "/api/"
# How deeply arrays and objects may nest in a JSON body: the operations take flat objects, and Python's
# parser fails (RecursionError) on bodies nested about a thousand deep.
MAX_JSON_DEPTH = 32

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}

# Field messages (marshmallow's own, in English, and the schemas' message ids) in the requested language.
_FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("This field is not known."),
    "Field may not be null.": _l("This field may not be empty."),
    "Not a valid string.": _l("Write text here."),
    "Not a valid integer.": _l("Give a whole number."),
    "Not a valid boolean.": _l("Give true or false."),
    "Not a valid mapping type.": _l("Send a JSON object."),
    "Invalid input type.": _l("The value has the wrong type."),
    "Choose a service from the list.": _l("Choose a service from the list."),
    "Choose a district from the list.": _l("Choose a district from the list."),
    "Choose an officer of this institution.": _l("Choose an officer of this institution."),
    "Choose another, active institution.": _l("Choose another, active institution."),
    BAD_CHARACTERS: _l("The text contains characters that cannot be used."),
    BAD_EMAIL: _l("Write a valid e-mail address, for example name@example.go.tz."),
    BAD_PHONE: _l("Write a valid phone number, for example 0712 345 678."),
    COORDINATES_APART: _l("Give latitude and longitude together."),
    "Not a valid number.": _l("Give a number."),
}


def api_language() -> str:
    """Swahili, unless the request's Accept-Language prefers English to Swahili."""
    for value, _quality in request.accept_languages:
        primary = value.lower().replace("_", "-").split("-")[0]
        if primary in ("sw", "en"):
            return primary
    return "sw"


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Send a valid API token in the Authorization header (Bearer)."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This ticket changed while you were working. Fetch it again, then retry."),
        413: _("The request is too large."),
        415: _("Send the body as JSON."),
        422: _("Some values are not valid."),
        429: _("You have sent many requests in a short time. Please wait and try again."),
        500: _("Something went wrong on our side."),
        503: _("The service could not reach its records, so nothing was saved. Wait and send the request again."),
    }


def _translated_field_errors(errors: Any) -> Any:
    if isinstance(errors, Mapping):
        return {str(key): _translated_field_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [_translated_field_errors(item) for item in errors]
    text = str(errors)
    if text in _FIELD_MESSAGES:
        return str(_FIELD_MESSAGES[text])
    if text.startswith("Must be one of:"):
        return _("Choose one of: %(choices)s", choices=text.removeprefix("Must be one of:").strip().rstrip("."))
    if text.startswith(("Length must be", "Must be greater", "Must be less", "Must be between")):
        return _("The value is too short, too long or out of range (%(rule)s).", rule=text)
    return text


def error_response(
    status: int,
    *,
    code: str | None = None,
    message: str | None = None,
    fields: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON error in the requested language (raised with abort() in a view, whose transaction then rolls back)."""
    with force_locale(api_language()):
        body = {
            "code": code or ERROR_CODES.get(status, "error"),
            "message": message or _messages().get(status, _messages()[400]),
            "errors": _translated_field_errors(dict(fields or {})),
        }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Content-Language"] = api_language()
    return response


def _field_errors(error: HTTPException) -> dict[str, Any]:
    """webargs puts validation messages at error.data["messages"][location]; flatten the locations."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or {}
    flat: dict[str, Any] = {}
    for location, value in messages.items():
        if isinstance(value, Mapping):
            flat.update(value)
        else:
            flat[str(location)] = value
    return flat


def handle_http_exception(error: HTTPException) -> Response:
    """Any HTTP error raised inside the API, as JSON."""
    if error.response is not None:
        return error.response  # type: ignore[return-value]
    status = error.code or 500
    if status == 422 and not _field_errors(error) and getattr(error, "description", None):
        return error_response(422)
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    retry = error.get_headers() if status == 429 else []
    headers.update({name: value for name, value in retry if name.lower() == "retry-after"})
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="wananchi"'

    return error_response(status, fields=_field_errors(error), headers=headers)


def handle_unexpected(error: Exception) -> Response:
    """A bug: logged, and answered as a JSON 500 (never an HTML page)."""
    current_app.logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return error_response(500)


def handle_database_unavailable(error: Exception) -> Response:
    """The database cannot be reached: nothing was saved; a JSON 503 the client may retry after Retry-After."""
    log_database_unavailable(error)
    db.session.rollback()
    return error_response(503, headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})


def register_api_error_handlers(blueprint: Blueprint) -> None:
    """JSON error handlers for one API blueprint only (the HTML site keeps its own pages)."""
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    for status in ERROR_CODES:  # Flask prefers the application's handler of a code to a blueprint's of a class
        if status not in (500, 503):
            blueprint.register_error_handler(status, handle_http_exception)
    for error_class in DATABASE_UNAVAILABLE:
        blueprint.register_error_handler(error_class, handle_database_unavailable)
    blueprint.register_error_handler(Exception, handle_unexpected)


def _contains_bad_text(values: list[str]) -> bool:
    return any("\x00" in value for value in values)


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (0 for a plain value), walked without recursion;
    the walk stops once it is past MAX_JSON_DEPTH."""
    deepest, pending = 0, [(value, 1)]
    while pending and deepest <= MAX_JSON_DEPTH:
        item, depth = pending.pop()
        if isinstance(item, Mapping):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep(body: bytes) -> bool:
    """Whether a JSON body nests deeper than MAX_JSON_DEPTH; a body that is not JSON is left to the operation."""
    try:
        return json_depth(json.loads(body)) > MAX_JSON_DEPTH
    except RecursionError:
        return True
    except ValueError:  # not JSON (UnicodeDecodeError is a ValueError too): the operation refuses it itself
        return False


def install_request_guards(app: Flask) -> None:
    """Before any other hook: refuse, as JSON, NUL characters in an API request (the site refuses them as HTML)
    and JSON bodies nested too deeply to parse safely."""

    def _refuse_bad_requests() -> Response | None:
        if not request.path.startswith(API_PREFIX):
            return None
        values = [*request.args.keys(), *request.args.values(), request.path]
        if _contains_bad_text(values):
            return error_response(400)
        if request.is_json and _too_deep(request.get_data(cache=True)):
            with force_locale(api_language()):
                message = _("The JSON body nests too deeply: at most %(depth)d levels.", depth=MAX_JSON_DEPTH)
            return error_response(400, message=message)
        return None

    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_bad_requests)


def unmatched_api_path() -> Response:
    """An /api/ path no route matches: 404, or 405 with an Allow header when only the method is wrong."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            rule, _args = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint != request.endpoint:
            allowed.add(method)
    if allowed:
        return handle_http_exception(MethodNotAllowed(valid_methods=sorted(allowed)))
    return handle_http_exception(NotFound())
