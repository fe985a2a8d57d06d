"""Instructions per request of the submit path, its layers and the one-INSERT ceiling, counted by callgrind.

submit.py's rates move with whatever else the shared machine is doing; an instruction count does not. Each
application (the same three as submit.py: `wsgi:app`, `layers_app`, `ceiling_app`, in the production
configuration) runs in its own process under `valgrind --tool=callgrind`, counting nothing while it starts,
seeds nothing and prepares its requests. It then posts the requests through its WSGI interface (no server, no
HTTP client, so the count is the application's own work, database driver and SQLite included; PostgreSQL's
and Redis's own work is not), and only those are counted. Needs Debian's valgrind; PostgreSQL and Redis as for
submit.py.

Run from the repository root: `.venv/bin/python benchmarks/instructions.py [--requests 200]
[--backends sqlite,postgresql]`. Databases and temporary files are removed at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask
from submit import DEFAULT_PG_ADMIN_URL, ROOT, code_state, csrf_token, prepare_backend, submission
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

APPS = {"submit path": "wsgi", "layers, nothing stored": "layers", "ceiling (1 INSERT)": "ceiling"}
WARM_UP = 50


def child(kind: str, requests: int) -> None:
    """In the counted process: build the app, prepare every request, warm up, then post the requests when told."""
    from submit import Choices

    if kind == "ceiling":
        import ceiling_app

        app, path = ceiling_app.create_app(), "/insert"
    else:
        import layers_app

        import wsgi

        app, path = (wsgi.app if kind == "wsgi" else layers_app.create_app()), "/wasilisha"
    choices = Choices(
        categories=_pairs(os.environ["BENCH_CATEGORIES"]), districts=os.environ["BENCH_DISTRICTS"].split()
    )
    headers = {"Host": "127.0.0.1", "Accept": "text/html"}
    token = ""
    if kind != "ceiling":
        status, response_headers, page = _call(app, EnvironBuilder(path=path, headers=headers).get_environ())
        headers["Cookie"] = "; ".join(v.split(";")[0] for v in response_headers.getlist("Set-Cookie"))
        token = csrf_token(page.decode())
    rng = random.Random(2026)
    environs = [
        EnvironBuilder(
            method="POST",
            path=path,
            headers=headers,
            data=urlencode(submission(rng, choices, token)),
            content_type="application/x-www-form-urlencoded",
        ).get_environ()
        for _ in range(WARM_UP + requests)
    ]
    failed = sum(_call(app, environ)[0] != 303 for environ in environs[:WARM_UP])
    print(f"READY {failed}", flush=True)
    sys.stdin.readline()
    failed = sum(_call(app, environ)[0] != 303 for environ in environs[WARM_UP:])
    print(f"DONE {failed}", flush=True)
    sys.stdin.readline()


def _pairs(text: str) -> list[tuple[str, bool]]:
    return [(code, local == "1") for code, local in (item.split(":") for item in text.split())]


def _call(app: Flask, environ: dict) -> tuple[int, Headers, bytes]:
    """One request through the WSGI interface: status code, headers and body."""
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), headers, b"".join(body)


def count(kind: str, env: dict[str, str], requests: int, workdir: Path) -> int:
    """Instructions per request of one application: its posts alone are counted."""
    output = workdir / f"callgrind.{kind}.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={output}",
        sys.executable,
        __file__,
        "--child",
        kind,
        "--requests",
        str(requests),
    ]
    log = workdir / f"valgrind.{kind}.log"
    with (
        log.open("w") as errors,
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True
        ) as process,
    ):
        assert process.stdin is not None and process.stdout is not None
        ready = process.stdout.readline().split()
        if ready[:1] != ["READY"] or ready[1] != "0":
            process.kill()
            raise RuntimeError(f"{kind} did not get ready ({ready}):\n{log.read_text()[-3000:]}")
        subprocess.run(["callgrind_control", "--instr=on", str(process.pid)], check=True, capture_output=True)
        process.stdin.write("go\n")
        process.stdin.flush()
        done = process.stdout.readline().split()
        subprocess.run(["callgrind_control", "--instr=off", str(process.pid)], check=True, capture_output=True)
        process.stdin.write("stop\n")
        process.stdin.close()
        if process.wait() or done != ["DONE", "0"]:
            raise RuntimeError(f"{kind}: {done} (exit {process.returncode}):\n{log.read_text()[-3000:]}")
    totals = re.search(r"^totals:\s+(\d+)", output.read_text(), re.MULTILINE)
    if totals is None:
        raise RuntimeError(f"{kind}: callgrind wrote no totals in {output}")
    return int(totals.group(1)) // requests


def bench_backend(backend: str, args: argparse.Namespace) -> dict[str, int]:
    """Set up one backend from scratch, count each application's instructions per request; clean up."""
    from ceiling_app import create_table

    with contextlib.ExitStack() as stack:
        workdir, env, choices = prepare_backend(backend, args.pg_admin_url, stack)
        create_table(env["DATABASE_URL"])
        env.update(
            BENCH_CATEGORIES=" ".join(f"{code}:{int(local)}" for code, local in choices.categories),
            BENCH_DISTRICTS=" ".join(choices.districts),
        )
        counts = {}
        for label, kind in APPS.items():
            print(f"  {label}: {args.requests} requests under callgrind ...", flush=True)
            counts[label] = count(kind, env, args.requests, workdir)
        return counts


def print_table(backend: str, counts: dict[str, int]) -> None:
    """Instructions per request, and the ceiling's as a share of each."""
    ceiling = counts["ceiling (1 INSERT)"]
    print(f"\n{backend}\n  {'':<24} {'instructions/request':>21} {'ceiling / this':>15}")
    for label, instructions in counts.items():
        print(f"  {label:<24} {instructions:>21,} {100 * ceiling / instructions:>14.0f}%")


def main(argv: list[str] | None = None) -> int:
    """Count every backend and print its table (or, with --child, be one counted application)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="counted posts per application")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=os.environ.get("WANANCHI_BENCH_PG_URL", DEFAULT_PG_ADMIN_URL))
    parser.add_argument("--child", choices=sorted(APPS.values()), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.requests)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is needed: apt-get install valgrind", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    print(f"code: {code_state()}; Python {sys.version.split()[0]}; {args.requests} counted posts per application")
    for backend in (name.strip() for name in args.backends.split(",") if name.strip()):
        print(f"\n[{backend}]", flush=True)
        print_table(backend, bench_backend(backend, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
