"""The submit benchmarks' stand-ins still fit the application: the layers app confirms a submission without
storing it, and the ceiling stores one row (each in a child process, as gunicorn would serve them); the processes
whose instructions benchmarks/instructions.py counts post successfully; the scale benchmark runs at small sizes and
drops its database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import ROOT, free_port, production_environment, run_production_child
from wananchi.core.db import normalise_database_url

pytestmark = pytest.mark.slow

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


PREPARE = """
import json
import sys
sys.path.insert(0, "benchmarks")
from sqlalchemy import select
import ceiling_app
from tests.helpers import world_client
from wananchi import create_app
from wananchi.extensions import db
from wananchi.institutions.models import Category, District

app = create_app()
world_client(app)
ceiling_app.create_table(app.config["SQLALCHEMY_DATABASE_URI"])
with app.app_context():
    rows = db.session.execute(select(Category.code, Category.is_local))
    categories = " ".join(f"{code}:{int(local)}" for code, local in rows)
    print(json.dumps({"categories": categories, "districts": " ".join(db.session.scalars(select(District.code)))}))
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, Any]]:
    """One database with the world for the three counted processes (as the benchmark prepares one), its
    environment and what the processes are told of it. Receipts are queued after each commit: an unreachable
    Redis leaves them for the sweep, as in production."""
    tmp_path = tmp_path_factory.mktemp("instructions")
    env = {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "RATELIMIT_ENABLED": "0"}
    reference, _stderr = run_production_child(PREPARE, tmp_path, **env)
    return tmp_path, env, reference


@pytest.mark.parametrize("kind", ["wsgi", "layers", "ceiling"])
def test_the_processes_whose_instructions_are_counted_post_successfully(prepared, kind):
    tmp_path, env, reference = prepared
    child = subprocess.run(
        [sys.executable, "benchmarks/instructions.py", "--child", kind, "--requests", "3"],
        cwd=ROOT,
        env=production_environment(
            tmp_path, BENCH_CATEGORIES=reference["categories"], BENCH_DISTRICTS=reference["districts"], **env
        ),
        input="go\nstop\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    assert child.stdout.split("\n")[:2] == ["READY 0", "DONE 0"]  # no post of the warm-up or the counted ones failed


@pytest.mark.skipif(not os.environ.get("WANANCHI_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_the_scale_benchmark_copies_the_smallest_size_and_drops_its_database():
    admin_url = os.environ["WANANCHI_TEST_DATABASE_URL"]
    run = subprocess.run(
        [sys.executable, "benchmarks/scale.py", "--sizes", "1000,3000", "--repeat", "1", "--pg-admin-url", admin_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    # 3,000 tickets are the 1,000 generated ones after two earlier copies of them (the benchmark checks that the newest
    # are the generated ones and that nothing older is open), and the target scan found nothing due at either size.
    summary = run.stdout.split("\nsummary")[1].splitlines()
    for label in ("queue, first page", "institution report, one month", "target scan, nothing due"):
        assert any(line.strip().startswith(label) and line.endswith("x") for line in summary), label
    assert "3,000 tickets loaded" in run.stdout
    name = re.search(r"^database (wananchi_bench_scale_\w+):", run.stdout, re.MULTILINE)
    assert name, run.stdout[:1000]
    engine = sa.create_engine(normalise_database_url(admin_url))
    with engine.connect() as connection:
        left = connection.execute(sa.text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name.group(1)})
        assert left.scalar_one() == 0
    engine.dispose()
