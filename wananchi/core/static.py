"""Static files named by their content: every `url_for('static', ...)` carries `?v=<hash of the file>`, computed once
at start-up, and a request for that version is cached for a year and never asked for again (`immutable`). A
changed file gets a new address with the next release, so nobody keeps an old stylesheet; an address without its
current version (an old page, a hand-typed one) is revalidated as before."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Response

VERSION_LENGTH = 12  # hexadecimal digits of the file's SHA-256 in its address


def file_versions(folder: Path) -> dict[str, str]:
    """Each file under `folder`, by its path there ("css/site.css"), and the start of its content's hash."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def init_static(app: Flask) -> None:
    """Version the static files' addresses and cache each version for a year."""
    versions = file_versions(Path(app.static_folder or "static"))
    max_age = app.config["STATIC_MAX_AGE"]

    @app.url_defaults
    def _versioned(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in versions:
            values.setdefault("v", versions[values["filename"]])

    @app.after_request
    def _cached_for_a_year(response: Response) -> Response:
        filename = (request.view_args or {}).get("filename")
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and request.args.get("v") is not None
            and request.args.get("v") == versions.get(filename or "")
        ):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = max_age
            response.cache_control.immutable = True
        return response
