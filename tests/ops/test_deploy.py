"""The reference deployment (deploy/): the alert rules load and read only metrics the service exposes, gunicorn's
configuration loads with threads and hands a stopped worker's metrics on, and HAProxy accepts its configuration."""

from __future__ import annotations

import re
import runpy
import shlex
import shutil
import subprocess
from types import SimpleNamespace

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import ROOT, unavailable
from wananchi.core import tasks as core_tasks

DEPLOY = ROOT / "deploy"


def exposed_metric_names(client, app, monkeypatch) -> set[str]:
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "t" * 32)
    client.get("/healthz")  # at least one request counted
    page = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 32}).get_data(as_text=True)
    return {sample.name for family in text_string_to_metric_families(page) for sample in family.samples}


def test_the_alert_rules_load_and_read_only_metrics_the_service_exposes(client, app, db, monkeypatch):
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    [group] = rules["groups"]
    alerts = {rule["alert"]: rule for rule in group["rules"]}
    assert {"WananchiOutboxStuck", "WananchiTargetScanStale", "WananchiErrorRate"} <= set(alerts)
    exposed = exposed_metric_names(client, app, monkeypatch) | {"wananchi_job_last_success_timestamp_seconds"}
    for name, rule in alerts.items():
        used = set(re.findall(r"\bwananchi_[a-z_]+", rule["expr"]))
        assert used and used <= exposed, name
        assert rule["annotations"]["summary"] and rule["labels"]["severity"] in ("page", "ticket")


def test_gunicorn_runs_threads_and_hands_a_stopped_workers_metrics_on(tmp_path, monkeypatch):
    folder = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 3, 4)
    folder.mkdir()
    (folder / "stale.db").write_bytes(b"")
    config["on_starting"](None)
    assert folder.is_dir() and list(folder.iterdir()) == []  # an earlier run's counts are gone
    (folder / "gauge_liveall_4242.db").write_bytes(b"")
    config["child_exit"](None, SimpleNamespace(pid=4242))
    assert list(folder.iterdir()) == []


def test_the_systemd_units_run_the_web_worker_and_one_scheduler():
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {"wananchi-web.service", "wananchi-worker.service", "wananchi-scheduler.service"}
    assert "gunicorn -c deploy/gunicorn.conf.py wsgi:app" in units["wananchi-web.service"]
    assert "--no-periodic" in units["wananchi-worker.service"]
    assert "--periodic" in units["wananchi-scheduler.service"].replace("--no-periodic", "")


@pytest.mark.parametrize(
    ("unit", "periodic"), [("wananchi-worker.service", False), ("wananchi-scheduler.service", True)]
)
def test_each_worker_unit_consumes_every_queue_with_threads_of_its_own(app, monkeypatch, unit, periodic):
    [command] = [line for line in (DEPLOY / "systemd" / unit).read_text().splitlines() if line.startswith("ExecStart=")]
    arguments = shlex.split(command)
    started: list[tuple[dict[str, int], bool]] = []
    monkeypatch.setattr(core_tasks, "run_workers", lambda threads, periodic: started.append((threads, periodic)))
    result = app.test_cli_runner().invoke(args=arguments[arguments.index("wananchi") :])
    assert result.exit_code == 0, result.output
    [(threads, periodic_started)] = started
    assert set(threads) == {"default", "email", "sms"} and periodic_started is periodic
    assert threads["email"] >= 2 and threads["sms"] >= 2  # a hanging gateway holds only the SMS threads


def test_haproxy_accepts_its_configuration():
    if shutil.which("haproxy") is None:
        unavailable("haproxy is not installed (apt-get install haproxy; `make test` installs it as root)")
    checked = subprocess.run(  # noqa: S603
        ["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
