"""Throughput and latency of the whole submit path under gunicorn, next to a one-INSERT Flask ceiling.

A third measurement, the submit page's layers with nothing stored (benchmarks/layers_app.py), shows how
much of the gap lies in the page itself (form, CSRF, session, headers) rather than in storing a ticket.

Run from the repository root: `.venv/bin/python benchmarks/submit.py [--duration 30] [--clients 16]
[--workers 2] [--backends sqlite,postgresql]`. Everything stays on loopback; databases, servers and
temporary files are removed at the end, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TYPES = ("question", "complaint", "suggestion", "opinion", "commendation")
IDENTITIES = ("named", "contact_hidden", "anonymous")
DONT_KNOW = "sijui"
WORDS = (
    "maji",
    "bili",
    "huduma",
    "ofisi",
    "barabara",
    "shule",
    "hospitali",
    "umeme",
    "mtaa",
    "wilaya",
    "malipo",
    "tatizo",
    "ombi",
    "siku",
    "wiki",
    "mwezi",
    "wananchi",
    "kituo",
    "dawa",
    "mwalimu",
)
NAMES = ("Juma Hassan", "Neema Mwakyusa", "Baraka Msuya", "Rehema Said", "Elia Kimaro", "Zawadi Nyerere")
HEALTH_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Choices:
    """Reference data the clients pick from: (category code, is local) pairs and district codes."""

    categories: list[tuple[str, bool]]
    districts: list[str]


@dataclass(frozen=True)
class Target:
    """One server under load: how a client gets ready, and where it posts."""

    name: str
    form_path: str | None  # GET once first for the session cookie and the CSRF token; None: no form
    post_path: str


@dataclass
class Result:
    """What one measurement produced."""

    successes: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    server_cpu: float | None = None  # CPU seconds of the gunicorn master and workers during the load
    client_cpu: float = 0.0  # CPU seconds of this load generator during the load

    @property
    def server_cpu_ms(self) -> float:
        """Server CPU milliseconds per request (NaN where /proc is not available)."""
        requests = self.successes + self.errors
        if self.server_cpu is None or not requests:
            return float("nan")
        return 1000 * self.server_cpu / requests

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.successes / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Latency in milliseconds at percentile `p` (nearest rank), over every POST."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index] * 1000


class _CsrfFinder(HTMLParser):
    """Finds the value of the hidden `csrf_token` input of a page."""

    def __init__(self) -> None:
        """Nothing found yet."""
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Remember the value of `<input name="csrf_token">`."""
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value")


def csrf_token(page: str) -> str:
    """The CSRF token of a rendered form."""
    finder = _CsrfFinder()
    finder.feed(page)
    if not finder.token:
        raise RuntimeError("no csrf_token input in the form page")
    return finder.token


class Client:
    """One simulated browser: its own cookie jar, one connection reused while the server keeps it open."""

    def __init__(self, port: int) -> None:
        """A browser with no cookies and no connection yet."""
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        """Send one request and read the whole answer; a dropped kept-alive connection is retried once."""
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            fresh = self.connection is None
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh or attempt:
                    raise
                continue
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            if response.will_close:  # gunicorn's sync workers close after every answer
                self.close()
            return response.status, data
        raise AssertionError("unreachable")

    def _keep_cookies(self, headers: list[str]) -> None:
        """Store the cookies of Set-Cookie headers; Max-Age=0 deletes one."""
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value

    def close(self) -> None:
        """Drop the connection; the next request opens a new one."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _words(rng: random.Random, count: int) -> str:
    """`count` random Swahili words."""
    return " ".join(rng.choice(WORDS) for _ in range(count))


def submission(rng: random.Random, choices: Choices, token: str) -> dict[str, str]:
    """A complete, valid submit form: type, category, identity and contact vary; a new submission key."""
    code, is_local = rng.choice([*choices.categories, (DONT_KNOW, False)])
    district = rng.choice(choices.districts) if choices.districts and (is_local or rng.random() < 0.3) else ""
    identity = rng.choice(IDENTITIES)
    name = email = phone = ""
    if identity != "anonymous":
        contact = rng.choice(("email", "phone", "both"))
        if contact in ("email", "both"):
            email = f"mwananchi{rng.randrange(10**6)}@mfano.go.tz"
        if contact in ("phone", "both"):
            phone = f"0712 {rng.randrange(1000):03d} {rng.randrange(1000):03d}"
        if identity == "named" or rng.random() < 0.5:
            name = rng.choice(NAMES)
    return {
        "csrf_token": token,
        "submission_key": secrets.token_urlsafe(24),
        "type": rng.choice(TYPES),
        "category": code,
        "district": district,
        # A council service needs the place (street or village, ward).
        "place": f"Mtaa wa {_words(rng, 1).title()}, Kata ya {_words(rng, 1).title()}" if is_local else "",
        "subject": _words(rng, rng.randint(3, 10)).capitalize()[:150],
        "description": _words(rng, rng.randint(40, 120)).capitalize() + ".",
        "identity": identity,
        "name": name,
        "email": email,
        "phone": phone,
        # As a citizen who has seen the published answers the form offers before sending and sends anyway: the
        # submit path is timed, not the offer (an empty token marks the offer as seen).
        "answers_offer": "",
    }


def run_load(
    target: Target, port: int, choices: Choices, clients: int, duration: float, server_cpu: Callable[[], float | None]
) -> Result:
    """`clients` threads post for `duration` seconds after each got its form; latency of every POST."""
    stop = threading.Event()
    start = [0.0]
    cpu_at_start: list[float | None] = [None, 0.0]

    def begin() -> None:
        """Start the clock and the CPU counters once every client is ready."""
        cpu_at_start[:] = [server_cpu(), time.process_time()]
        start[0] = time.perf_counter()

    ready = threading.Barrier(clients + 1, action=begin, timeout=120)
    results = [Result() for _ in range(clients)]
    failures: list[BaseException] = []

    def client_loop(index: int) -> None:
        """Get the form, post once to warm up, then post until the deadline."""
        rng = random.Random(index)
        client = Client(port)
        try:
            token = ""
            if target.form_path is not None:
                status, page = client.request("GET", target.form_path)
                if status != 200:
                    raise RuntimeError(f"GET {target.form_path} answered {status}: {page[:300]!r}")
                token = csrf_token(page.decode())
            status, page = client.request("POST", target.post_path, urlencode(submission(rng, choices, token)))
            if status != 303:  # one warm-up post, not measured; it must succeed for the run to mean anything
                raise RuntimeError(f"POST {target.post_path} answered {status}: {page[:300]!r}")
        except BaseException as error:
            failures.append(error)
            ready.abort()
            return
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.wait()
        deadline = start[0] + duration
        result = results[index]
        while not stop.is_set() and time.perf_counter() < deadline:
            body = urlencode(submission(rng, choices, token))
            began = time.perf_counter()
            try:
                status, _page = client.request("POST", target.post_path, body)
            except (OSError, http.client.HTTPException):
                status = 0
            result.latencies.append(time.perf_counter() - began)
            if status == 303:
                result.successes += 1
            else:
                result.errors += 1
        result.elapsed = time.perf_counter() - start[0]
        client.close()

    threads = [threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(clients)]
    try:
        for thread in threads:
            thread.start()
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            for thread in threads:
                thread.join(REQUEST_TIMEOUT_S)
            raise RuntimeError(f"{target.name}: a client could not get ready: {failures[:1]}") from None
        for thread in threads:
            thread.join(duration + 2 * REQUEST_TIMEOUT_S)
    finally:
        stop.set()
    server_end, server_begin = server_cpu(), cpu_at_start[0]
    total = Result(elapsed=max(r.elapsed for r in results), client_cpu=time.process_time() - (cpu_at_start[1] or 0.0))
    if server_end is not None and server_begin is not None:
        total.server_cpu = server_end - server_begin
    for result in results:
        total.successes += result.successes
        total.errors += result.errors
        total.latencies.extend(result.latencies)
    return total


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_tree_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by a process and its children, from /proc; None elsewhere."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for member in (str(pid), *children):
            fields = Path(f"/proc/{member}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def start_gunicorn(
    app_spec: str, env: dict[str, str], workers: int, log: Path, stack: contextlib.ExitStack
) -> tuple[int, int]:
    """Serve `app_spec` with sync workers on a free loopback port: (port, master pid); stopped with `stack`."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        str(BENCH_DIR),
        "--timeout",
        "120",
        "--log-level",
        "warning",
        app_spec,
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    stack.callback(stop_process, process)
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {app_spec} exited with {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return port, process.pid
            finally:
                connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn {app_spec} did not answer /healthz in {HEALTH_TIMEOUT_S:.0f} s:\n{tail(log)}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server we started, and kill it if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def tail(log: Path, lines: int = 30) -> str:
    """The last lines of a server log."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def create_database(backend: str, workdir: Path, pg_admin_url: str, stack: contextlib.ExitStack) -> str:
    """A fresh, empty database: a temporary SQLite file, or `wananchi_bench_<random>` on PostgreSQL."""
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    name = f"wananchi_bench_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))

    def drop() -> None:
        """Drop the benchmark database, even with servers still connected."""
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    stack.callback(drop)
    return sa.make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)


def load_reference_data(database_url: str, secret_key: str) -> Choices:
    """Seed the demo reference data (seed_demo, no tickets) and read back what a citizen can choose."""
    from sqlalchemy import select

    from wananchi import create_app
    from wananchi.demo.seed import seed_demo
    from wananchi.extensions import db
    from wananchi.institutions.models import Category, District

    app = create_app(
        "production",
        SQLALCHEMY_DATABASE_URI=database_url,
        SECRET_KEY=secret_key,
        USSD_GATEWAY_SECRET=secrets.token_urlsafe(32),
        SMS_GATEWAY_SECRET=secrets.token_urlsafe(32),
        TRACKING_CODE_KEY=secrets.token_urlsafe(32),  # no ticket is stored here: no code is derived
        REDIS_URL=REDIS_URL,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        seed_demo(ticket_count=0)
        db.session.commit()
        categories = [
            (code, bool(local))
            for code, local in db.session.execute(
                select(Category.code, Category.is_local).where(Category.is_active.is_(True)).order_by(Category.code)
            )
        ]
        districts = list(db.session.scalars(select(District.code).order_by(District.code)))
        db.session.remove()
        db.engine.dispose()
    return Choices(categories=categories, districts=districts)


def server_environment(database_url: str, secret_key: str, workdir: Path) -> dict[str, str]:
    """The production environment the app, its migrations and the ceiling run with."""
    env = dict(os.environ)
    env.update(
        WANANCHI_CONFIG="production",
        SECRET_KEY=secret_key,
        USSD_GATEWAY_SECRET=secrets.token_urlsafe(32),
        SMS_GATEWAY_SECRET=secrets.token_urlsafe(32),
        TRACKING_CODE_KEY=secrets.token_urlsafe(32),
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        FORCE_HTTPS="0",
        RATELIMIT_ENABLED="0",
        WANANCHI_INSTANCE_PATH=str(workdir / "instance"),
        UPLOAD_FOLDER=str(workdir / "instance" / "uploads"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_migrations(backend: str, env: dict[str, str]) -> None:
    """`flask --app wsgi db upgrade` on the database the environment `env` names."""
    migrate = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if migrate.returncode:
        raise RuntimeError(f"migrations failed on {backend}:\n{migrate.stdout}{migrate.stderr}")


def prepare_backend(
    backend: str, pg_admin_url: str, stack: contextlib.ExitStack
) -> tuple[Path, dict[str, str], Choices]:
    """A fresh database on `backend` with the migrations and the demo's reference data, in a working folder; both
    removed by `stack`. Returns the folder, the environment the applications run with, and what clients choose."""
    workdir = Path(tempfile.mkdtemp(prefix=f"wananchi-bench-{backend}-"))
    stack.callback(shutil.rmtree, workdir, ignore_errors=True)
    database_url = create_database(backend, workdir, pg_admin_url, stack)
    secret_key = secrets.token_urlsafe(32)
    env = server_environment(database_url, secret_key, workdir)
    run_migrations(backend, env)
    choices = load_reference_data(database_url, secret_key)
    print(
        f"  reference data: seed_demo(ticket_count=0): {len(choices.categories)} services, "
        f"{len(choices.districts)} districts",
        flush=True,
    )
    return workdir, env, choices


def bench_backend(backend: str, args: argparse.Namespace) -> tuple[Result, Result, Result, list[float]]:
    """Set up one backend from scratch, measure the submit path, its layers alone and the ceiling in turns; clean up.

    The three servers run side by side, and the measurements take turns in `args.rounds` rounds, so that a
    busy spell of a shared machine weighs on all three alike. Returns each one's total, and the submit path's
    share of the ceiling in each round.
    """
    with contextlib.ExitStack() as stack:
        workdir, env, choices = prepare_backend(backend, args.pg_admin_url, stack)
        database_url = env["DATABASE_URL"]
        log = workdir / "server.log"

        targets = (
            (Target("submit path", "/wasilisha", "/wasilisha"), "wsgi:app", None),
            (Target("layers, nothing stored", "/wasilisha", "/wasilisha"), "layers_app:create_app()", None),
            (Target("ceiling (1 INSERT)", None, "/insert"), "ceiling_app:create_app()", _create_ceiling_table),
        )
        servers = []
        for target, app_spec, prepare in targets:
            if prepare is not None:
                prepare(database_url)
            servers.append((target, *start_gunicorn(app_spec, env, args.workers, log, stack)))
        rounds: list[list[Result]] = []
        slice_s = args.duration / args.rounds
        for number in range(1, args.rounds + 1):
            rounds.append([])
            for target, port, pid in servers:
                print(
                    f"  round {number}/{args.rounds}, {target.name}: {args.clients} clients for {slice_s:g} s "
                    f"(load average before: {os.getloadavg()[0]:.1f}) ...",
                    flush=True,
                )
                rounds[-1].append(
                    run_load(target, port, choices, args.clients, slice_s, lambda pid=pid: process_tree_cpu(pid))
                )
        submit, layers, ceiling = (merge([results[index] for results in rounds]) for index in range(3))
        return submit, layers, ceiling, [(r[0].rate / r[2].rate if r[2].rate else float("nan")) for r in rounds]


def merge(parts: list[Result]) -> Result:
    """One target's rounds as one measurement: requests, time, latencies and CPU added up."""
    total = Result(server_cpu=0.0)
    for part in parts:
        total.successes += part.successes
        total.errors += part.errors
        total.elapsed += part.elapsed
        total.latencies.extend(part.latencies)
        total.client_cpu += part.client_cpu
        if part.server_cpu is None or total.server_cpu is None:
            total.server_cpu = None  # /proc was not readable: no CPU figure
        else:
            total.server_cpu += part.server_cpu
    return total


def _create_ceiling_table(database_url: str) -> None:
    """Let the ceiling app create its scratch table before its workers start."""
    from ceiling_app import create_table

    create_table(database_url)


def print_table(backend: str, submit: Result, layers: Result, ceiling: Result, per_round: list[float]) -> None:
    """The figures of one backend, and the submit path (and its layers alone) as a share of the ceiling."""
    print(f"\n{backend}")
    print(
        f"  {'':<24} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7} {'requests':>9} "
        f"{'server CPU ms/req':>18} {'client CPU':>11}"
    )
    for label, result in (("submit path", submit), ("layers, nothing stored", layers), ("ceiling (1 INSERT)", ceiling)):
        print(
            f"  {label:<24} {result.rate:>9.1f} {result.percentile(50):>9.1f} {result.percentile(99):>9.1f} "
            f"{result.errors:>7d} {result.successes + result.errors:>9d} {result.server_cpu_ms:>18.2f} "
            f"{100 * result.client_cpu / result.elapsed:>10.0f}%"
        )

    def share(result: Result) -> float:
        return 100 * result.rate / ceiling.rate if ceiling.rate else float("nan")

    rounds = ", ".join(f"{100 * ratio:.0f} %" for ratio in per_round)
    print(f"  submit / ceiling: {share(submit):.0f} %; round by round: {rounds}")
    print(f"  layers alone / ceiling: {share(layers):.0f} % (the page before any ticket work)", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds of load per measurement, in all rounds")
    parser.add_argument("--rounds", type=int, default=3, help="turns the three measurements take (duration split)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("WANANCHI_BENCH_PG_URL", DEFAULT_PG_ADMIN_URL),
        help="PostgreSQL URL allowed to create and drop databases (env WANANCHI_BENCH_PG_URL)",
    )
    args = parser.parse_args(argv)
    args.backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    unknown = set(args.backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def code_state() -> str:
    """The commit measured, and whether tracked files had uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes" if dirty else "")


def shown_path(path: str) -> str:
    """A path relative to the repository root when it lies inside it."""
    with contextlib.suppress(ValueError):
        return str(Path(path).relative_to(ROOT))
    return path


def exit_on_sigterm(signum: int, frame: object) -> None:
    """Turn SIGTERM into SystemExit, so every cleanup runs."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run every backend and print its table."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    os.chdir(ROOT)
    print(f"command: {shlex.join([shown_path(sys.executable), *sys.argv])}")
    print(f"code: {code_state()}")
    print(f"machine: {os.cpu_count()} cores (clients and servers share them); Python {sys.version.split()[0]}")
    print(
        f"set-up: gunicorn {args.workers} sync workers, {args.clients} clients, {args.duration:g} s per "
        f"measurement in {args.rounds} turns, loopback; WANANCHI_CONFIG=production, FORCE_HTTPS=0"
    )
    print("note: rate limits are OFF for the measurement (RATELIMIT_ENABLED=0)", flush=True)
    for backend in args.backends:
        print(f"\n[{backend}]", flush=True)
        submit, layers, ceiling, per_round = bench_backend(backend, args)
        print_table(backend, submit, layers, ceiling, per_round)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, databases and temporary files removed", file=sys.stderr)
        sys.exit(130)
