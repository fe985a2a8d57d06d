"""The id of the web request that wrote an outbox message reaches the worker: the task is queued with it, and the
worker's log lines for that message carry it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from tests.helpers import post_submission
from tests.world import build_world
from wananchi.core.tasks import task_request_id
from wananchi.notifications import tasks
from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus
from wananchi.ops.logs import RequestIdFilter

REQUEST_ID = "ombi-1234abcd"


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def test_the_worker_logs_a_message_with_the_id_of_the_request_that_wrote_it(
    client, world, db, app, monkeypatch, smtp_server, caplog
):
    queued: list[tuple[int, dict]] = []
    monkeypatch.setitem(app.config, "OUTBOX_ENQUEUE_AFTER_COMMIT", True)
    monkeypatch.setitem(tasks.DELIVERY_TASKS, Channel.EMAIL, lambda message_id, **kw: queued.append((message_id, kw)))
    client.environ_base["HTTP_X_REQUEST_ID"] = REQUEST_ID  # as HAProxy sends it
    assert post_submission(client, email="asha@example.co.tz", phone="").status_code == 303
    message_id = db.session.scalars(select(OutboxMessage.id)).one()
    assert queued == [(message_id, {"request_id": REQUEST_ID})]

    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        assert tasks.deliver_email.call_local(message_id, request_id=REQUEST_ID) == str(
            OutboxStatus.SENT
        )  # as a worker
    [line] = [record for record in caplog.records if record.getMessage().startswith(f"outbox message {message_id}")]
    assert line.request_id == REQUEST_ID  # type: ignore[attr-defined]
    assert task_request_id.get() is None  # the next task starts without it
