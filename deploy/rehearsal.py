"""The rehearsal: the reference deployment on one machine, broken on purpose, step by step, under load.

Hosts are Linux network namespaces joined by a bridge (`ip netns`, iproute2; needs root), or, where namespaces
cannot be made (no CAP_SYS_ADMIN), addresses of their own on loopback (127.23.0.x); the first line printed says
which. `deploy/rehearsal.sh` installs what it needs and runs it; so does `make rehearsal`.

    lb     10.23.0.2   HAProxy (deploy/haproxy.cfg)
    web1   10.23.0.11  gunicorn (deploy/gunicorn.conf.py), production settings
    web2   10.23.0.12  gunicorn
    work1  10.23.0.21  worker with the periodic tasks (the scheduler)
    work2  10.23.0.22  worker
    db     10.23.0.31  PostgreSQL primary (5432) and a streaming replica (5433, reports read it), Redis (6379)
    store  10.23.0.41  SeaweedFS (S3 on 8333)
    (this process, 10.23.0.1: the clients, an SMTP server and an SMS gateway in the shape of Africa's Talking)

Clients send submissions through the load balancer without pause — the API with an Idempotency-Key and the HTML form
with a photo, retrying as a client and a browser do (the same key, the same form) on a refused connection or a 5xx —
while, in turn: one web host is stopped, one worker is killed with SIGKILL, PostgreSQL restarts, Redis is stopped for
20 s, Redis is frozen (SIGSTOP) for 20 s, the object store is stopped for 20 s, the SMS gateway hangs for 30 s, and
SMTP refuses connections for 60 s. For each step it prints what was acknowledged, stored, missing and stored twice,
the errors clients saw by status, the receipts expected, delivered and sent twice, and the seconds until the service
answered normally again; then checks that a report counted on the replica matches the primary's, and that /metrics
showed the outbox backlog rise while Redis was down and fall after. It exits 1 when anything acknowledged is missing
or stored twice, a receipt never arrives, e-mail receipts waited on the hanging SMS gateway, the backlog of the SMTP
outage took more than 60 s to deliver, or the replica's report differs.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import glob
import html.parser
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.seaweedfs import ACCESS_KEY, SECRET_KEY, weed_program  # noqa: E402

BIN = Path(sys.executable).parent
HOSTS = {"lb": 2, "web1": 11, "web2": 12, "work1": 21, "work2": 22, "db": 31, "store": 41}
CLIENTS_API = 2
CLIENTS_FORM = 2
CLIENT_PAUSE = 0.4  # seconds each client waits between two submissions
GIVE_UP_SECONDS = 90  # a client retries one submission this long at most
BUDGET_SECONDS = 600


def photo() -> bytes:
    """A small photo (PNG): the form sends one with each submission, so the object store is in the path."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- hosts ---------------------------------------------------------------------------------------------------------


class Network:
    """The hosts: network namespaces on a bridge when the kernel lets us, else addresses on loopback."""

    def __init__(self) -> None:
        self.namespaces = False

    def setup(self) -> None:
        self.teardown()
        if os.environ.get("REHEARSAL_LOOPBACK") != "1" and shutil.which("ip") and os.geteuid() == 0:
            try:
                self._make_namespaces()
                self.namespaces = True
                return
            except subprocess.CalledProcessError as error:
                log(f"network namespaces cannot be made here ({error.stderr.strip()}): hosts on loopback instead")
                self.teardown()
        elif os.environ.get("REHEARSAL_LOOPBACK") != "1":
            log("network namespaces need root and iproute2: hosts on loopback addresses instead")

    def _make_namespaces(self) -> None:
        def ip(*args: str) -> None:
            subprocess.run(["ip", *args], check=True, capture_output=True, text=True)  # noqa: S603, S607

        ip("link", "add", "wn-br0", "type", "bridge")
        ip("addr", "add", "10.23.0.1/24", "dev", "wn-br0")
        ip("link", "set", "wn-br0", "up")
        for host, number in HOSTS.items():
            ip("netns", "add", f"wn-{host}")
            ip("link", "add", f"wn-{host}-h", "type", "veth", "peer", "name", "eth0", "netns", f"wn-{host}")
            ip("link", "set", f"wn-{host}-h", "master", "wn-br0", "up")
            ip("-n", f"wn-{host}", "addr", "add", f"10.23.0.{number}/24", "dev", "eth0")
            ip("-n", f"wn-{host}", "link", "set", "eth0", "up")
            ip("-n", f"wn-{host}", "link", "set", "lo", "up")

    def teardown(self) -> None:
        if not shutil.which("ip") or os.geteuid() != 0:
            return
        for host in HOSTS:
            subprocess.run(["ip", "netns", "del", f"wn-{host}"], capture_output=True)  # noqa: S603, S607
        subprocess.run(["ip", "link", "del", "wn-br0"], capture_output=True)  # noqa: S607

    def address(self, host: str) -> str:
        return f"10.23.0.{HOSTS[host]}" if self.namespaces else f"127.23.0.{HOSTS[host]}"

    @property
    def outside(self) -> str:
        """This process's address, as the hosts reach it (the clients, the SMTP server, the SMS gateway)."""
        return "10.23.0.1" if self.namespaces else "127.23.0.1"

    def on(self, host: str, command: list[str]) -> list[str]:
        return ["ip", "netns", "exec", f"wn-{host}", *command] if self.namespaces else command

    def describe(self) -> str:
        if self.namespaces:
            return "hosts are network namespaces (ip netns) on the bridge wn-br0, 10.23.0.0/24"
        return "hosts are loopback addresses 127.23.0.x (network namespaces could not be made here)"


# --- the providers: SMTP and the SMS gateway, in this process --------------------------------------------------------


@dataclass
class Arrivals:
    """When each receipt arrived, by recipient (an e-mail address or a phone number)."""

    times: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, recipient: str) -> None:
        with self.lock:
            self.times.setdefault(recipient, []).append(time.monotonic())

    def first(self, recipient: str) -> float | None:
        with self.lock:
            return self.times[recipient][0] if recipient in self.times else None

    def count(self, recipient: str) -> int:
        with self.lock:
            return len(self.times.get(recipient, []))


class SmtpSink:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port, self.arrivals = host, port, Arrivals()
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if "receipt" in str(message.get("X-Wananchi-Event", "receipt")):
            for recipient in envelope.rcpt_tos:
                self.arrivals.add(recipient.lower())
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class SmsGateway:
    """Africa's Talking's answer to each POST; while hanging, a request is held without an answer."""

    def __init__(self, host: str, port: int) -> None:
        self.arrivals = Arrivals()
        self.hanging = threading.Event()
        self.released = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"] or 0)).decode())
                if gateway.hanging.is_set():
                    gateway.released.wait(60)
                    return  # the connection is closed without an answer
                gateway.arrivals.add(fields["to"][0])
                body = json.dumps(
                    {"SMSMessageData": {"Recipients": [{"statusCode": 101, "number": fields["to"][0]}]}}
                ).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hang(self) -> None:
        self.released.clear()
        self.hanging.set()

    def answer(self) -> None:
        self.hanging.clear()
        self.released.set()

    def stop(self) -> None:
        self.answer()
        self.server.shutdown()


# --- the clients -----------------------------------------------------------------------------------------------------


class Refused(Exception):
    """The service answered that it will not take this submission (a 4xx, or the form back with a message)."""


@dataclass
class Submission:
    number: int
    step: str
    kind: str  # api or form
    subject: str
    email: str
    phone: str
    started: float
    acknowledged_at: float | None = None
    errors: list[tuple[float, str]] = field(default_factory=list)  # when each error came, and what it was

    def error(self, kind: str) -> None:
        self.errors.append((time.monotonic(), kind))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:  # type: ignore[override]
        return None


class HiddenInputs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "input" and named.get("type") == "hidden" and named.get("name"):
            self.values[str(named["name"])] = named.get("value") or ""


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, kind) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(f"{head}Content-Type: {kind}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Load:
    """Clients that submit until stopped, each submission retried until acknowledged or refused for good."""

    def __init__(self, base: str, categories: list[str], run: str, pages: Path) -> None:
        self.base, self.categories, self.run, self.pages = base, categories, run, pages
        self.photo = photo()
        self.submissions: list[Submission] = []
        self.lock = threading.Lock()
        self.step = "start"
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        kinds = ["api"] * CLIENTS_API + ["form"] * CLIENTS_FORM
        self.threads = [threading.Thread(target=self.client, args=(kind,), daemon=True) for kind in kinds]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(GIVE_UP_SECONDS + 30)

    def client(self, kind: str) -> None:
        while not self.stopping.is_set():
            with self.lock:
                number = len(self.submissions)
                submission = Submission(
                    number=number,
                    step=self.step,
                    kind=kind,
                    subject=f"Mazoezi {self.run} hoja {number}",
                    email=f"raia{number}.{self.run}@example.co.tz",
                    phone=f"+25571{number:07d}",
                    started=time.monotonic(),
                )
                self.submissions.append(submission)
            (self.api if kind == "api" else self.form)(submission)
            time.sleep(CLIENT_PAUSE)

    def keep_page(self, name: str, content: bytes) -> None:
        """The first few pages of errors a browser was shown, in the logs folder, for whoever reads the failure."""
        self.pages.mkdir(exist_ok=True)
        if len(list(self.pages.iterdir())) < 10:
            (self.pages / f"{name}.html").write_bytes(content)

    def body(self, submission: Submission) -> dict[str, str]:
        return {
            "type": "complaint",
            "category": self.categories[submission.number % len(self.categories)],
            "subject": submission.subject,
            "description": "Maji hayajatoka kwa siku tatu mfululizo katika mtaa wetu wote.",
            "identity": "named",
            "name": "Asha Juma",
            "email": submission.email,
            "phone": "0" + submission.phone.removeprefix("+255"),
        }

    def retry(self, submission: Submission, attempt: Callable[[], bool]) -> None:
        """Call `attempt` until it returns True (acknowledged) or the error is final; record every error."""
        tries = 0
        while time.monotonic() - submission.started < GIVE_UP_SECONDS:
            try:
                if attempt():
                    submission.acknowledged_at = time.monotonic()
                    return
            except urllib.error.HTTPError as error:
                submission.error(str(error.code))
                if error.code < 500 and error.code not in (408, 429):
                    return
            except Refused:
                submission.error("form refused")
                return
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                submission.error(type(reason).__name__ if not isinstance(reason, str) else "URLError")
            tries += 1
            time.sleep(min(0.25 * 2**tries, 2.0))

    def api(self, submission: Submission) -> None:
        key = f"mazoezi-{self.run}-{submission.number}"
        data = json.dumps(self.body(submission)).encode()

        def attempt() -> bool:
            request = urllib.request.Request(  # noqa: S310 - the rehearsal's own load balancer
                f"{self.base}/api/v1/tickets",
                data=data,
                headers={"Content-Type": "application/json", "Idempotency-Key": key},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310
                return "reference" in json.load(answer)

        self.retry(submission, attempt)

    def form(self, submission: Submission) -> None:
        """A browser: opens the form, fills it in with a photo, sends it; after an error page it sends the same form
        again (the back button), and a form it could not open it opens again."""
        cookies = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), NoRedirect())
        filled: dict[str, Any] = {}

        def attempt() -> bool:
            if not filled:
                with opener.open(f"{self.base}/wasilisha", timeout=20) as page:
                    parser = HiddenInputs()
                    parser.feed(page.read().decode())
                fields = {**parser.values, **self.body(submission), "district": "", "place": "Mtaa wa Kisasa"}
                filled["fields"] = fields
                filled["body"], filled["type"] = multipart(
                    fields, {"attachments": ("maji.png", self.photo, "image/png")}
                )
            for cookie in cookies:
                cookie.secure = False  # Secure in production: TLS would end at the balancer, left out here
            request = urllib.request.Request(  # noqa: S310
                f"{self.base}/wasilisha", data=filled["body"], headers={"Content-Type": filled["type"]}, method="POST"
            )
            try:
                with opener.open(request, timeout=30) as answer:
                    page = answer.read().decode()
            except urllib.error.HTTPError as error:
                if error.code == 303:
                    return True
                self.keep_page(f"{error.code}-{submission.number}", error.read())
                raise
            # 200: the form again. Published answers that may spare the wait are offered once; the citizen sends
            # anyway (the photo is kept for this browser). Anything else is a refusal.
            again = HiddenInputs()
            again.feed(page)
            if "answers_offer" in again.values and "offered" not in filled:
                filled["offered"] = True
                filled["body"], filled["type"] = multipart({**filled["fields"], **again.values}, {})
                return False
            self.keep_page(f"refused-{submission.number}", page.encode())
            raise Refused

        self.retry(submission, attempt)


# --- the services ----------------------------------------------------------------------------------------------------


class Rehearsal:
    def __init__(self) -> None:
        self.network = Network()
        self.folder = Path(tempfile.mkdtemp(prefix="wananchi-rehearsal-"))
        self.folder.chmod(0o755)  # PostgreSQL runs as its own user and reaches its folders through this one
        self.logs = self.folder / "logs"
        self.logs.mkdir()
        self.logs.chmod(0o1777)  # PostgreSQL writes its logs here too
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.run = uuid.uuid4().hex[:6]
        self.started = time.monotonic()
        pg_bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
        self.pg_bin = Path(pg_bins[-1]) if pg_bins else Path(shutil.which("pg_ctl") or "/usr/bin/pg_ctl").parent
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.env: dict[str, str] = {}

    # processes

    def start(self, label: str, host: str, command: list[str], **extra: str) -> subprocess.Popen[bytes]:
        with open(self.logs / f"{label}.log", "ab") as output:
            process = subprocess.Popen(  # noqa: S603
                self.network.on(host, command),
                cwd=ROOT,
                env={**self.env, **extra},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[label] = process
        return process

    def kill(self, label: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[label]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)

    def run_on(self, host: str, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            self.network.on(host, command), check=True, capture_output=True, text=True, cwd=ROOT, **kwargs
        )

    def tails(self) -> str:
        return "\n".join(
            f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-15:])
            for path in sorted(self.logs.glob("*.log"))
        )

    # PostgreSQL

    def pg_ctl(self, folder: Path, *args: str) -> None:
        self.run_on("db", [*self.as_postgres, str(self.pg_bin / "pg_ctl"), "-D", str(folder), *args], timeout=120)

    def start_postgresql(self) -> None:
        db = self.network.address("db")
        primary, replica, sockets = self.folder / "pg-primary", self.folder / "pg-replica", self.folder / "pg-sockets"
        sockets.mkdir()
        if self.as_postgres:
            shutil.chown(sockets, "postgres")
        for folder in (primary, replica):
            folder.mkdir(mode=0o700)
            if self.as_postgres:
                shutil.chown(folder, "postgres")
        subprocess.run(  # noqa: S603
            [*self.as_postgres, str(self.pg_bin / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust"]
            + ["--no-sync", "-E", "UTF8", "--no-locale"],
            check=True,
            capture_output=True,
        )
        settings = (
            f"listen_addresses = '{db}'\nport = 5432\nunix_socket_directories = '{sockets}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\nmax_connections = 200\n"
            "shared_buffers = 64MB\n"
        )
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(settings)
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("host all all 0.0.0.0/0 trust\nhost replication all 0.0.0.0/0 trust\n")
        self.pg_ctl(primary, "-l", str(self.logs / "postgresql.log"), "-w", "start")
        self.run_on(
            "db",
            [*self.as_postgres, str(self.pg_bin / "pg_basebackup"), "-h", db, "-p", "5432", "-U", "postgres"]
            + ["-D", str(replica), "-R", "-X", "stream", "--checkpoint=fast"],
            timeout=120,
        )
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write("port = 5433\n")
        self.pg_ctl(replica, "-l", str(self.logs / "replica.log"), "-w", "start")
        self.primary_folder = primary

    def restart_postgresql(self) -> None:
        self.pg_ctl(self.primary_folder, "-l", str(self.logs / "postgresql.log"), "-m", "fast", "-w", "restart")

    def stop_postgresql(self) -> None:
        for name in ("pg-replica", "pg-primary"):
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                self.pg_ctl(self.folder / name, "-m", "immediate", "stop")

    # Redis and SeaweedFS

    def start_redis(self) -> None:
        self.start(
            "redis",
            "db",
            ["redis-server", "--bind", self.network.address("db"), "--port", "6379", "--save", "", "--appendonly"]
            + ["no", "--protected-mode", "no"],
        )
        wait_for_port(self.network.address("db"), 6379, 20)

    def start_store(self) -> None:
        store = self.network.address("store")
        folder = self.folder / "seaweedfs"
        (folder / "data").mkdir(parents=True, exist_ok=True)
        identities = {
            "identities": [
                {
                    "name": "wananchi",
                    "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        (folder / "s3.json").write_text(json.dumps(identities))
        self.start(
            "store",
            "store",
            [str(weed_program()), "server", f"-dir={folder / 'data'}", f"-ip={store}", f"-ip.bind={store}"]
            + ["-master.volumeSizeLimitMB=64", "-volume.max=0", "-filer", "-s3", f"-s3.config={folder / 's3.json'}"]
            + ["-s3.port.iceberg=0", "-s3.port.lance=0", "-iam=false"],
        )
        client = self.s3()
        deadline = time.monotonic() + 90
        while True:
            try:
                client.list_buckets()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def s3(self):  # type: ignore[no-untyped-def]
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=f"http://{self.network.address('store')}:8333",
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1}),
        )

    # the application

    def start_web(self, host: str) -> None:
        gunicorn = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--no-control-socket", "wsgi:app"]
        address = self.network.address(host)
        self.start(
            host,
            host,
            gunicorn,
            GUNICORN_BIND=f"{address}:8000",
            GUNICORN_WORKERS="2",
            FORWARDED_ALLOW_IPS=self.network.address("lb"),
            WANANCHI_INSTANCE_PATH=str(self.folder / host),
        )

    def start_worker(self, host: str) -> None:
        periodic = "--periodic" if host == "work1" else "--no-periodic"
        command = [str(BIN / "flask"), "--app", "wsgi", "wananchi", "worker", "--workers", "2"]
        self.start(
            host, host, [*command, "--channel-workers", "4", periodic], WANANCHI_INSTANCE_PATH=str(self.folder / host)
        )


def wait_for_port(host: str, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 - the rehearsal's own hosts
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds:g} s")
        time.sleep(0.25)


# --- watching: a probe through the load balancer, and /metrics during the Redis outage ------------------------------


class Probe:
    """Opens the submit page through the load balancer every half second; records when it failed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.results: list[tuple[float, bool]] = []
        self.failures: list[tuple[float, str]] = []  # when, and what the probe got
        self.stopping = threading.Event()
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self) -> None:
        while not self.stopping.is_set():
            at = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=5) as answer:  # noqa: S310
                    ok = answer.status == 200
            except urllib.error.HTTPError as error:
                ok = False
                # HAProxy's own 503 when it has no web host left in, else the application's answer
                by_balancer = b"No server is available" in error.read()
                self.failures.append(
                    (at, f"{error.code} from HAProxy, no web host in" if by_balancer else str(error.code))
                )
            except (urllib.error.URLError, OSError) as error:
                ok = False
                self.failures.append((at, type(getattr(error, "reason", error)).__name__))
            self.results.append((at, ok))
            self.stopping.wait(max(0.0, 0.5 - (time.monotonic() - at)))

    def recovered(self, since: float, until: float) -> float:
        """Seconds from `since` to the first good answer after the last bad one before `until` (0: never bad)."""
        window = [(at, ok) for at, ok in self.results if since <= at <= until]
        bad = [at for at, ok in window if not ok]
        if not bad:
            return 0.0
        after = [at for at, ok in self.results if ok and at > bad[-1]]
        return round((after[0] if after else until) - since, 1)


class BalancerEvents:
    """HAProxy's lines about its servers (a web host taken out or put back, and why: "Layer7 timeout, check duration:
    2001ms"), stamped as they are written: they carry no time of their own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.events: list[tuple[float, str]] = []
        self.stopping = threading.Event()
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self) -> None:
        with open(self.path, errors="replace") as lines:
            lines.seek(0, os.SEEK_END)
            while not self.stopping.is_set():
                line = lines.readline()
                if not line:
                    self.stopping.wait(0.2)
                elif line.startswith("Server web/"):
                    self.events.append((time.monotonic(), line.split(". ")[0]))


class Scraper:
    """Reads the outbox backlog (pending messages) from a web host's /metrics every two seconds."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.samples: list[tuple[float, float]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self) -> None:
        while not self.stopping.wait(2):
            request = urllib.request.Request(self.url, headers={"Authorization": f"Bearer {self.token}"})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
                    for line in answer.read().decode().splitlines():
                        if line.startswith('wananchi_outbox_messages{status="pending"}'):
                            self.samples.append((time.monotonic(), float(line.split()[-1])))
            except (urllib.error.URLError, OSError):
                pass

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)


# --- the story -------------------------------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    started: float
    ended: float = 0.0
    recovered: float = 0.0
    note: str = ""


def main() -> int:  # noqa: PLR0915 - one story, told in order
    rehearsal = Rehearsal()
    network = rehearsal.network
    smtp: SmtpSink | None = None
    gateway: SmsGateway | None = None
    failures: list[str] = []
    try:
        network.setup()
        log(network.describe())
        outside = network.outside
        smtp = SmtpSink(outside, 2525)
        smtp.start()
        gateway = SmsGateway(outside, 8088)
        rehearsal.start_postgresql()
        rehearsal.start_redis()
        rehearsal.start_store()
        rehearsal.s3().create_bucket(Bucket="wananchi")
        db, lb = network.address("db"), network.address("lb")
        admin = sa.create_engine(f"postgresql+psycopg://postgres@{db}:5432/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("CREATE DATABASE wananchi"))
        admin.dispose()
        database_url = f"postgresql+psycopg://postgres@{db}:5432/wananchi"
        metrics_token = secrets.token_urlsafe(32)
        rehearsal.env = {
            **os.environ,
            "WANANCHI_CONFIG": "production",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TRACKING_CODE_KEY": secrets.token_urlsafe(32),
            "USSD_GATEWAY_SECRET": secrets.token_urlsafe(32),
            "SMS_GATEWAY_SECRET": secrets.token_urlsafe(32),
            "DATABASE_URL": database_url,
            "REPORTS_DATABASE_URL": f"postgresql+psycopg://postgres@{db}:5433/wananchi",
            "REDIS_URL": f"redis://{db}:6379/0",
            "S3_BUCKET": "wananchi",
            "S3_ENDPOINT_URL": f"http://{network.address('store')}:8333",
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "FORCE_HTTPS": "0",
            "PROXY_FIX_X_FOR": "1",
            "MAIL_SERVER": outside,
            "MAIL_PORT": "2525",
            "MAIL_USE_TLS": "0",
            "MAIL_USE_SSL": "0",
            "MAIL_TIMEOUT": "10",
            "SMS_BACKEND": "http",
            "SMS_GATEWAY_URL": f"http://{outside}:8088/version1/messaging",
            "SMS_USERNAME": "wananchi",
            "SMS_API_KEY": "rehearsal",
            "SMS_TIMEOUT": "10",
            "METRICS_TOKEN": metrics_token,
            "SUBMIT_RATE_LIMIT": "100000 per minute",
            "SUBMIT_ATTEMPT_RATE_LIMIT": "100000 per minute",
            "API_SUBMIT_RATE_LIMIT": "100000 per minute",
            "API_RATE_LIMIT": "100000 per minute",
            "RECEIPTS_PER_CONTACT_LIMIT": "100000 per hour",
            "OUTBOX_LEASE_SECONDS": "30",  # longer than an attempt (MAIL_TIMEOUT, SMS_TIMEOUT)
            "REPORT_SNAPSHOT_MIN_MS": "1000000000",  # reports counted live: the replica check compares live figures
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            "WANANCHI_INSTANCE_PATH": str(rehearsal.folder / "instance"),
        }
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        rehearsal.run_on("work1", [*flask, "db", "upgrade"], env=rehearsal.env, timeout=300)
        demo = {**rehearsal.env, "WANANCHI_CONFIG": "development"}
        rehearsal.run_on("work1", [*flask, "wananchi", "seed-demo", "--tickets", "0"], env=demo, timeout=300)
        for host in ("web1", "web2"):
            rehearsal.start_web(host)
        for host in ("work1", "work2"):
            rehearsal.start_worker(host)
        for host in ("web1", "web2"):
            wait_for(f"http://{network.address(host)}:8000/readyz", 120)
        rehearsal.start(
            "haproxy",
            "lb",
            ["haproxy", "-db", "-f", "deploy/haproxy.cfg"],
            WANANCHI_BIND=f"{lb}:80",
            WEB1=f"{network.address('web1')}:8000",
            WEB2=f"{network.address('web2')}:8000",
        )
        base = f"http://{lb}"
        wait_for(f"{base}/healthz", 30)
        with urllib.request.urlopen(f"{base}/api/v1/categories", timeout=10) as answer:  # noqa: S310
            categories = [item["code"] for item in json.load(answer) if not item["is_local"]]
        log(f"set up in {time.monotonic() - rehearsal.started:.0f} s; load starts")

        load = Load(base, categories, rehearsal.run, rehearsal.logs / "pages")
        probe = Probe(f"{base}/wasilisha")
        balancer = BalancerEvents(rehearsal.logs / "haproxy.log")
        steps: list[Step] = []

        def step(name: str) -> Step:
            if steps:
                steps[-1].ended = time.monotonic()
            load.step = name
            steps.append(Step(name, time.monotonic()))
            log(f"step: {name}")
            return steps[-1]

        step("steady load")
        load.start()
        time.sleep(8)

        step("stop web host web1")
        rehearsal.kill("web1")
        time.sleep(12)
        rehearsal.start_web("web1")
        wait_for(f"http://{network.address('web1')}:8000/readyz", 60)
        time.sleep(3)

        step("SIGKILL worker work2")
        rehearsal.kill("work2")
        time.sleep(3)
        rehearsal.start_worker("work2")
        time.sleep(9)

        step("restart PostgreSQL")
        rehearsal.restart_postgresql()
        time.sleep(10)

        step("stop Redis 20 s")
        scraper = Scraper(f"http://{network.address('web2')}:8000/metrics", metrics_token)
        time.sleep(2)
        redis_down = time.monotonic()
        rehearsal.kill("redis", signal.SIGTERM)
        time.sleep(20)
        rehearsal.start_redis()
        redis_up = time.monotonic()
        # The queue came back empty: the backlog waits for the next sweep (at most a minute). Watch it fall on
        # /metrics before the next fault.
        peak = max((value for _at, value in scraper.samples), default=0.0)
        deadline = redis_up + 75
        while time.monotonic() < deadline:
            latest = [value for at, value in scraper.samples if at > redis_up]
            if latest and latest[-1] <= peak / 2:
                break
            time.sleep(1)
        time.sleep(4)

        pause = step("pause Redis (SIGSTOP) 20 s")
        rehearsal.kill("redis", signal.SIGSTOP)
        time.sleep(20)
        rehearsal.kill("redis", signal.SIGCONT)
        time.sleep(8)

        step("stop the object store 20 s")
        rehearsal.kill("store")
        time.sleep(20)
        rehearsal.start_store()
        time.sleep(5)

        hang = step("hang the SMS gateway 30 s")
        gateway.hang()
        time.sleep(30)
        gateway.answer()
        time.sleep(5)

        step("SMTP refuses connections 60 s")
        smtp.stop()
        time.sleep(60)
        smtp.start()
        smtp_up = time.monotonic()
        time.sleep(8)
        steps[-1].ended = time.monotonic()
        load.stop()
        probe.stopping.set()
        balancer.stopping.set()
        log(f"load stopped: {len(load.submissions)} submissions; waiting for every receipt")

        acknowledged = [s for s in load.submissions if s.acknowledged_at is not None]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if all(smtp.arrivals.count(s.email) and gateway.arrivals.count(s.phone) for s in acknowledged):
                break
            time.sleep(1)
        time.sleep(2)  # a duplicate in flight lands
        scraper.stop()

        # What was stored: each subject once.
        engine = sa.create_engine(database_url)
        with engine.connect() as connection:
            stored = Counter(
                dict(
                    connection.execute(
                        sa.text("SELECT subject, count(*) FROM ticket WHERE subject LIKE :run GROUP BY subject"),
                        {"run": f"Mazoezi {rehearsal.run} %"},
                    ).all()
                )
            )

        print()
        header = (
            f"{'step':<32}{'sent':>5}{'ack':>5}{'stored':>7}{'missing':>8}{'dupl':>5}  {'client errors':<28}"
            f"{'receipts exp/deliv/dupl (e-mail; SMS)':<40}{'recover s':>9}"
        )
        print(header)
        print("-" * len(header))
        totals = Counter[str]()
        for one in steps:
            mine = [s for s in load.submissions if s.step == one.name]
            acked = [s for s in mine if s.acknowledged_at is not None]
            missing = [s for s in acked if not stored.get(s.subject)]
            twice = [s for s in mine if stored.get(s.subject, 0) > 1]
            errors = Counter(
                kind
                for s in load.submissions
                for at, kind in s.errors
                if one.started <= at < (one.ended or float("inf"))
            )
            mail = [smtp.arrivals.count(s.email) for s in acked]
            sms = [gateway.arrivals.count(s.phone) for s in acked]
            one.recovered = probe.recovered(one.started, one.ended)
            receipts = (
                f"{len(acked)}/{sum(1 for n in mail if n)}/{sum(n - 1 for n in mail if n > 1)}; "
                f"{len(acked)}/{sum(1 for n in sms if n)}/{sum(n - 1 for n in sms if n > 1)}"
            )
            error_text = ", ".join(f"{k}:{v}" for k, v in sorted(errors.items())) or "-"
            print(
                f"{one.name:<32}{len(mine):>5}{len(acked):>5}{sum(1 for s in acked if stored.get(s.subject)):>7}"
                f"{len(missing):>8}{len(twice):>5}  {error_text:<28}{receipts:<40}{one.recovered:>9}"
            )
            totals.update(
                sent=len(mine),
                acknowledged=len(acked),
                missing=len(missing),
                duplicates=len(twice),
                mail_missing=sum(1 for n in mail if not n),
                sms_missing=sum(1 for n in sms if not n),
                mail_twice=sum(n - 1 for n in mail if n > 1),
                sms_twice=sum(n - 1 for n in sms if n > 1),
            )
        print()
        for one in steps:
            seen = [f"+{at - one.started:.1f} s {what}" for at, what in probe.failures if one.started <= at < one.ended]
            if seen:
                log(f"the submit page through the load balancer failed during '{one.name}': {', '.join(seen)}")
            checks = [
                f"+{at - one.started:.1f} s {what}" for at, what in balancer.events if one.started <= at < one.ended
            ]
            if checks:
                log(f"HAProxy's checks during '{one.name}': {'; '.join(checks)}")
        log(f"totals: {dict(totals)}; stored tickets of this run: {sum(stored.values())}")
        if totals["missing"]:
            failures.append(f"{totals['missing']} acknowledged submissions are missing")
        if totals["duplicates"]:
            failures.append(f"{totals['duplicates']} submissions were stored twice")
        if totals["mail_missing"] or totals["sms_missing"]:
            failures.append(f"receipts never arrived: {totals['mail_missing']} e-mail, {totals['sms_missing']} SMS")
        if totals["acknowledged"] < totals["sent"] * 0.9:
            failures.append("fewer than 9 in 10 submissions were acknowledged")

        # E-mail receipts while the SMS gateway hung: within seconds.
        during = [
            s
            for s in acknowledged
            if hang.started <= s.acknowledged_at <= hang.started + 30  # type: ignore[operator]
            and smtp.arrivals.first(s.email)
        ]
        waits = [smtp.arrivals.first(s.email) - s.acknowledged_at for s in during]  # type: ignore[operator]
        if waits:
            log(
                f"SMS gateway hanging: {len(waits)} e-mail receipts, waited median {statistics.median(waits):.1f} s, "
                f"at most {max(waits):.1f} s after the acknowledgement"
            )
            if max(waits) > 10:
                failures.append(f"an e-mail receipt waited {max(waits):.1f} s while the SMS gateway hung")
        else:
            failures.append("no e-mail receipt was sent while the SMS gateway hung")

        # The SMTP outage's backlog: delivered within 60 s of SMTP's return.
        backlog = [s for s in acknowledged if s.acknowledged_at < smtp_up and smtp.arrivals.first(s.email)]  # type: ignore[operator]
        late = [smtp.arrivals.first(s.email) - smtp_up for s in backlog]  # type: ignore[operator]
        late = [seconds for seconds in late if seconds > 0]
        if late:
            log(f"SMTP back: its backlog of {len(late)} e-mail receipts delivered within {max(late):.1f} s")
            if max(late) > 60:
                failures.append(f"the SMTP outage's backlog took {max(late):.1f} s after SMTP's return")

        # The outbox backlog on /metrics: rose while Redis was down, fell after.
        before = [value for at, value in scraper.samples if at < redis_down]
        down = [value for at, value in scraper.samples if redis_down <= at <= redis_up]
        after = [value for at, value in scraper.samples if redis_up < at <= pause.started]
        series = " ".join(f"{value:.0f}" for at, value in scraper.samples if redis_down - 4 <= at <= pause.started)
        log(f"/metrics pending outbox messages around the Redis outage (every 2 s): {series}")
        if not (down and after and max(down) > (before[-1] if before else 0) and min(after) <= max(down) / 2):
            failures.append("/metrics did not show the outbox backlog rise while Redis was down and fall after")

        # Reports from the replica: the same figures as the primary once it has caught up.
        failures += check_replica(rehearsal, database_url)

        log(f"whole rehearsal: {time.monotonic() - rehearsal.started:.0f} s")
        if time.monotonic() - rehearsal.started > BUDGET_SECONDS:
            failures.append(f"the rehearsal took longer than {BUDGET_SECONDS} s")
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - told, with the hosts' logs
        failures.append(f"the rehearsal broke off: {type(error).__name__}: {error}")
        print(rehearsal.tails())
    finally:
        for label, process in rehearsal.processes.items():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGCONT if label == "redis" else 0)
                    os.killpg(process.pid, signal.SIGKILL)
        rehearsal.stop_postgresql()
        if smtp is not None:
            smtp.stop()
        if gateway is not None:
            gateway.stop()
        network.teardown()
    for failure in failures:
        print(f"FAILED: {failure}")
    if failures:
        print(f"(the hosts' logs, and the first error pages clients were shown, are kept in {rehearsal.logs})")
    elif not failures:
        shutil.rmtree(rehearsal.folder, ignore_errors=True)
    print("REHEARSAL PASSED" if not failures else "REHEARSAL FAILED")
    return 1 if failures else 0


def check_replica(rehearsal: Rehearsal, database_url: str) -> list[str]:
    """Wait until the replica has replayed what the primary wrote, then count the public statistics of every
    institution through the replica (as the web hosts do) and from the primary, and compare."""
    db = rehearsal.network.address("db")
    primary = sa.create_engine(database_url)
    replica = sa.create_engine(f"postgresql+psycopg://postgres@{db}:5433/wananchi")
    with primary.connect() as connection:
        target = connection.execute(sa.text("SELECT pg_current_wal_lsn()")).scalar_one()
    deadline = time.monotonic() + 60
    with replica.connect() as connection:
        while not connection.execute(
            sa.text("SELECT pg_last_wal_replay_lsn() >= CAST(:target AS pg_lsn)"), {"target": target}
        ).scalar_one():
            if time.monotonic() > deadline:
                return ["the replica did not catch up within 60 s"]
            time.sleep(0.2)
    primary.dispose()
    replica.dispose()
    script = (
        "import json, sys\n"
        "from wananchi import create_app\n"
        "app = create_app()\n"
        "client = app.test_client()\n"
        "answer = client.get('/takwimu/takwimu.json')\n"
        "print(json.dumps({'status': answer.status_code, 'body': answer.get_json()}, sort_keys=True))\n"
    )
    figures = {}
    for source, url in (("replica", rehearsal.env["REPORTS_DATABASE_URL"]), ("primary", "")):
        result = rehearsal.run_on(
            "work1", [sys.executable, "-c", script], env={**rehearsal.env, "REPORTS_DATABASE_URL": url}, timeout=120
        )
        figures[source] = json.loads(result.stdout.strip().splitlines()[-1])
    replica_figures, primary_figures = (strip_times(figures[name]) for name in ("replica", "primary"))
    counted = json.dumps(primary_figures["body"])
    log(f"public statistics through the replica and from the primary: {len(counted)} characters each, compared")
    if primary_figures["status"] != 200 or replica_figures != primary_figures:
        return ["the public statistics counted on the replica differ from the primary's"]
    return []


def strip_times(value: Any) -> Any:
    """The figures without when they were counted or how far the replica was behind."""
    if isinstance(value, dict):
        return {
            key: strip_times(item)
            for key, item in value.items()
            if not any(word in key for word in ("lag", "generated", "computed", "counted_at", "as_of"))
        }
    if isinstance(value, list):
        return [strip_times(item) for item in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
