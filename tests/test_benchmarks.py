"""The submit benchmark's stand-ins still fit the application: the layers app confirms a submission without
storing it, and the ceiling stores one row (each in a child process, as gunicorn would serve them)."""

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
import sys
sys.path.insert(0, "benchmarks")
from flask_migrate import upgrade
from sqlalchemy import func, select
import ceiling_app
import layers_app
from tests.helpers import hidden_fields, valid_submission
from tests.world import build_world
from wananchi.extensions import db
from wananchi.tickets.models import Ticket

app = layers_app.create_app()
with app.app_context():
    upgrade()
    build_world()
    db.session.commit()
client = app.test_client()
# production cookies are Secure: the test client sends them over HTTPS only
client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/wasilisha"})
form = hidden_fields(client.get("/wasilisha").data)
layers = client.post("/wasilisha", data={**form, **valid_submission()})
with app.app_context():
    stored = db.session.scalar(select(func.count(Ticket.id)))
ceiling_app.create_table(app.config["SQLALCHEMY_DATABASE_URI"])
ceiling = ceiling_app.create_app().test_client().post("/insert", data=valid_submission())
print(json.dumps({"layers": [layers.status_code, layers.headers.get("Location")], "stored": stored,
                  "ceiling": ceiling.status_code}))
"""


def test_the_submit_benchmark_apps_answer_as_the_benchmark_expects(tmp_path):
    env = {
        **os.environ,
        "WANANCHI_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nothing is queued: the layers app stores nothing
        "RATELIMIT_ENABLED": "0",
        "FORCE_HTTPS": "0",
        "WANANCHI_INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    child = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["layers"] == [303, "/wasilisha/WN-2026-000001/imepokelewa"] and result["stored"] == 0
    assert result["ceiling"] == 303
