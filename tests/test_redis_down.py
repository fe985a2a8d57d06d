"""Production with Redis unreachable: citizens still submit and track, nothing is lost.

Rate limits fall back to each process's memory, and receipts wait in the outbox for the sweep, which
sends them once the queue answers again. A password-reset request or a request for a new tracking code,
which only queue what was written, are refused with a plain message to try again. The production
application runs in a child process (its limiter and queue are process-wide), on SQLite, with Redis
pointed at a loopback port nobody listens on.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json
from flask_migrate import upgrade
from sqlalchemy import func, select
from tests.helpers import hidden_fields, valid_submission
from tests.world import build_world
from wananchi import create_app
from wananchi.extensions import db
from wananchi.notifications.models import OutboxMessage, OutboxStatus
from wananchi.tickets.models import Ticket

app = create_app("production", SUBMIT_RATE_LIMIT="3 per minute")
with app.app_context():
    upgrade()
    build_world()
    db.session.commit()
client = app.test_client()
client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/wasilisha"})
statuses, locations = [], []
for index in range(4):
    form = hidden_fields(client.get("/wasilisha").data)
    answer = client.post("/wasilisha", data={**form, **valid_submission(subject=f"Bili ya maji {index}")})
    statuses.append(answer.status_code)
    locations.append(answer.headers.get("Location"))
receipt = client.get(locations[2])  # the confirmation of the last one stored
reset_form = hidden_fields(client.get("/nenosiri/sahau").data)
reset = client.post("/nenosiri/sahau", data={**reset_form, "email": "afisa@mfano.go.tz"})
code_form = hidden_fields(client.get("/fuatilia/msimbo-mpya").data)
code_data = {**code_form, "reference": locations[0].split("/")[2], "contact": "asha@example.co.tz"}
new_code = client.post("/fuatilia/msimbo-mpya", data=code_data)
with app.app_context():
    outbox = db.session.execute(select(OutboxMessage.event, OutboxMessage.status)).all()
    print(json.dumps({
        "statuses": statuses,
        "receipt": receipt.status_code,
        "reset": [reset.status_code, "Hatukuweza kupokea ombi lako sasa hivi" in reset.get_data(as_text=True)],
        "new_code": [new_code.status_code, "Hatukuweza kupokea ombi lako sasa hivi" in new_code.get_data(as_text=True)],
        "tickets": db.session.scalar(select(func.count(Ticket.id))),
        "outbox": sorted({(event, str(status)) for event, status in outbox}),
        "outbox_rows": len(outbox),
        "pending": str(OutboxStatus.PENDING),
    }))
"""


def test_citizens_submit_while_redis_is_down_and_their_receipts_wait_in_the_outbox(tmp_path):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    env = {
        **os.environ,
        "WANANCHI_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wananchi.sqlite3'}",
        "REDIS_URL": dead_redis,
        "RATELIMIT_STORAGE_URI": dead_redis,
        "FORCE_HTTPS": "0",
        "WANANCHI_INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    child = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    # three submissions within the limit are stored and confirmed; the fourth meets the limit, counted in memory
    assert result["statuses"] == [303, 303, 303, 429]
    assert result["receipt"] == 200 and result["tickets"] == 3
    assert result["reset"] == result["new_code"] == [503, True]
    # e-mail and SMS receipts of the three tickets, waiting for the sweep
    assert result["outbox"] == [["receipt", result["pending"]]] and result["outbox_rows"] == 6
    assert "task queue unreachable" in child.stderr
