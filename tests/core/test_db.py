"""The transaction boundary: a request's writes are committed when its view returns, whatever status it answers,
and rolled back when an exception escapes the view or the view opts out; never decided by the HTTP status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, abort
from sqlalchemy import select

from wananchi.core.db import in_one_transaction, init_transaction_boundary, on_rollback, roll_back_at_end
from wananchi.core.errors import DomainError
from wananchi.extensions import db as _db
from wananchi.tickets.models import ReferenceCounter


def _write(year: int) -> None:
    _db.session.add(ReferenceCounter(year=year, last_value=1))
    _db.session.flush()


@pytest.fixture
def small_app(app: Flask, db, tmp_path: Path) -> Iterator[Flask]:
    """A small application on the test database, behind the boundary, whose views each write a row (its year
    tells which view wrote it) and then answer in their own way."""
    small = Flask(__name__)
    small.config.update(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], PROPAGATE_EXCEPTIONS=False)
    _db.init_app(small)
    marker = tmp_path / "kept-unless-rolled-back"

    @small.get("/status/<int:status>")
    def answer(status: int):  # type: ignore[no-untyped-def]
        _write(status)
        return "", status

    @small.get("/abort")
    def aborted():  # type: ignore[no-untyped-def]
        _write(1)
        abort(404)

    @small.get("/fault")
    def fault():  # type: ignore[no-untyped-def]
        _write(2)
        marker.write_text("written")
        on_rollback(marker.unlink)
        raise DomainError("a refusal no view caught")

    @small.get("/opt-out")
    def opted_out():  # type: ignore[no-untyped-def]
        _write(3)
        roll_back_at_end()
        return "", 200

    @small.get("/kept-file")
    def kept_file():  # type: ignore[no-untyped-def]
        _write(4)
        marker.write_text("written")
        on_rollback(marker.unlink)
        return "", 201

    init_transaction_boundary(small)
    small.extensions["marker"] = marker
    yield small
    with small.app_context():
        _db.engine.dispose()


def stored_years() -> list[int]:
    return list(_db.session.scalars(select(ReferenceCounter.year).order_by(ReferenceCounter.year)))


@pytest.mark.parametrize("status", [200, 303, 409, 422, 429, 503])
def test_what_a_view_wrote_is_committed_whatever_status_it_answers(small_app, status):
    assert small_app.test_client().get(f"/status/{status}").status_code == status
    assert stored_years() == [status]


def test_an_exception_escaping_the_view_rolls_back_what_it_wrote_and_its_files(small_app):
    client = small_app.test_client()
    assert client.get("/abort").status_code == 404
    assert client.get("/fault").status_code == 500
    assert stored_years() == []
    assert not small_app.extensions["marker"].exists()


def test_a_view_that_opts_out_keeps_nothing_although_it_answers_200(small_app):
    assert small_app.test_client().get("/opt-out").status_code == 200
    assert stored_years() == []


def test_a_committed_request_keeps_its_files(small_app):
    assert small_app.test_client().get("/kept-file").status_code == 201
    assert stored_years() == [4] and small_app.extensions["marker"].exists()


def test_every_view_of_the_application_is_behind_the_boundary(app):
    boundary = in_one_transaction(lambda: None).__code__  # every view wrapped by it runs this code
    assert app.view_functions and all(view.__code__ is boundary for view in app.view_functions.values())
