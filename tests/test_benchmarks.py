"""The submit benchmark's stand-ins still fit the application: the layers app confirms a submission without
storing it, and the ceiling stores one row (each in a child process, as gunicorn would serve them)."""

from __future__ import annotations

from tests.helpers import free_port, run_production_child

CHILD = """
import json
import sys
sys.path.insert(0, "benchmarks")
from sqlalchemy import func, select
import ceiling_app
import layers_app
from tests.helpers import hidden_fields, valid_submission, world_client
from wananchi.extensions import db
from wananchi.tickets.models import Ticket

app = layers_app.create_app()
client = world_client(app)
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
    # Nothing is queued (the layers app stores nothing), so Redis may be a port nobody listens on.
    result, _stderr = run_production_child(
        CHILD, tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_ENABLED="0"
    )
    assert result["layers"] == [303, "/wasilisha/WN-2026-000001/imepokelewa"] and result["stored"] == 0
    assert result["ceiling"] == 303
