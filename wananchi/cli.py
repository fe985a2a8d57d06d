"""`flask --app wsgi wananchi ...` and `flask --app wsgi translate ...` commands."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from wananchi.notifications.devmail import mailcatcher_command
from wananchi.phone.terminal import phone_command

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"

wananchi_cli = AppGroup("wananchi", help="Wananchi administration commands.")
translate_cli = AppGroup("translate", help="Swahili and English message catalogues.")
wananchi_cli.add_command(mailcatcher_command)
wananchi_cli.add_command(phone_command)


def _refuse_demo_data_unless_allowed() -> None:
    """Demo data holds staff accounts whose password is published: only development and tests may have it."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "Refusing to load demo data: its staff accounts share a published password. "
            "Demo data is for WANANCHI_CONFIG=development or testing only."
        )


@wananchi_cli.command("seed-demo")
@click.option("--tickets", default=200, show_default=True, help="How many demo tickets to create.")
def seed_demo_command(tickets: int) -> None:
    """Load a realistic Tanzanian demo set (development and tests only); running it again changes nothing."""
    from wananchi.demo.seed import seed_demo
    from wananchi.extensions import db

    _refuse_demo_data_unless_allowed()
    summary = seed_demo(ticket_count=tickets)
    db.session.commit()
    for line in summary:
        click.echo(line)


@wananchi_cli.command("seed-if-empty")
@click.pass_context
def seed_if_empty_command(ctx: click.Context) -> None:
    """Seed the demo set only when the database has no institution yet (used by `make run`; never in production)."""
    from sqlalchemy import func, select

    from wananchi.extensions import db
    from wananchi.institutions.models import Institution

    _refuse_demo_data_unless_allowed()

    if db.session.scalar(select(func.count(Institution.id))):
        click.echo("Database already has data; not seeding.")
        return
    ctx.invoke(seed_demo_command)


@wananchi_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["officer", "supervisor", "oversight", "admin", "auditor"]), required=True)
@click.option("--institution", "institution_slug", default=None, help="Slug of the user's institution.")
@click.option("--name", default=None, help="Full name (defaults to the e-mail address).")
def create_user_command(email: str, role: str, institution_slug: str | None, name: str | None) -> None:
    """Create a staff account; the password is read from standard input (never from the command line)."""
    from sqlalchemy import select

    from wananchi.accounts.models import Role
    from wananchi.accounts.services import create_user
    from wananchi.core.errors import DomainError
    from wananchi.extensions import db
    from wananchi.institutions.models import Institution

    institution = None
    if institution_slug:
        institution = db.session.scalar(select(Institution).where(Institution.slug == institution_slug))
        if institution is None:
            raise click.ClickException(f"No institution with slug {institution_slug!r}.")
    password = (
        click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if sys.stdin.isatty()
        else sys.stdin.readline()
    ).rstrip("\n")
    try:
        user = create_user(email=email, name=name or email, role=Role(role), password=password, institution=institution)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}" + (f" of {institution.slug}" if institution else ""))


@wananchi_cli.command("record-of-processing")
@click.option(
    "--defaults",
    is_flag=True,
    help="Only the configured default period, not the periods administrators set (the repository's document).",
)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to this file (default: print).")
def record_of_processing_command(defaults: bool, output: str | None) -> None:
    """Write the record of processing (Personal Data Protection Act 2022) as Markdown, in English, from the
    permission rules and the retention configuration (docs/record-of-processing.md is written with --defaults)."""
    from flask_babel import force_locale

    from wananchi.privacy.processing import as_markdown, record_of_processing, request_days
    from wananchi.privacy.retention import Periods, current_periods

    periods = (
        Periods(default_days=int(current_app.config["PERSONAL_DATA_RETENTION_DAYS"]), configured={})
        if defaults
        else current_periods()
    )
    with force_locale("en"):
        text = as_markdown(
            record_of_processing(periods), request_days=request_days(defaults=defaults), defaults=defaults
        )
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


def _breach_instant(value: str, *, end: bool) -> dt.datetime:
    """A day (YYYY-MM-DD: its start, or for the end its end) or a moment (YYYY-MM-DDTHH:MM), in Dar es Salaam."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Africa/Dar_es_Salaam")
    try:
        if "T" in value:
            return dt.datetime.fromisoformat(value).replace(tzinfo=zone).astimezone(dt.UTC)
        day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end else 0)
    except ValueError:
        raise click.BadParameter(f"{value!r}: write YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


@wananchi_cli.command("breach-report")
@click.option("--from", "start", required=True, help="First day (YYYY-MM-DD) or moment (YYYY-MM-DDTHH:MM), local.")
@click.option("--to", "end", required=True, help="Last day (included) or moment, in Dar es Salaam time.")
@click.option("--institution", "slugs", multiple=True, required=True, help="An institution's slug (repeat).")
@click.option(
    "--everything-held",
    is_flag=True,
    help="Every ticket of theirs that held personal data in the period, not only those touched in it.",
)
@click.option("--output", default=None, help="The folder to write to (default: instance/breach-FROM-TO).")
def breach_report_command(
    start: str, end: str, slugs: tuple[str, ...], everything_held: bool, output: str | None
) -> None:
    """List every citizen contact that could have been exposed at these institutions in the period and write the
    notification messages (Swahili and English) to files for review; nothing is sent (deploy/breach-runbook.md)."""
    from sqlalchemy import select

    from wananchi.extensions import db
    from wananchi.institutions.models import Institution
    from wananchi.privacy.breach import write_breach_report

    since, until = _breach_instant(start, end=False), _breach_instant(end, end=True)
    if until <= since:
        raise click.BadParameter("the period ends before it starts", param_hint="--to")
    institutions = []
    for slug in slugs:
        institution = db.session.scalar(select(Institution).where(Institution.slug == slug))
        if institution is None:
            raise click.BadParameter(f"no institution with slug {slug!r}", param_hint="--institution")
        institutions.append(institution)
    folder = Path(output) if output else Path(current_app.instance_path) / f"breach-{start}-{end}".replace(":", "")
    report = write_breach_report(institutions, since, until, folder, everything_held=everything_held)
    db.session.commit()
    click.echo(
        f"{report.tickets} tickets could have been exposed; {report.contacts} with a contact, "
        f"{report.without_contact} without; {report.messages} messages written, none sent."
    )
    for path in report.files:
        click.echo(f"wrote {path}")


@wananchi_cli.command("sla-scan")
def sla_scan_command() -> None:
    """Take every due step of the escalation ladder now (idempotent; workers also run it every minute)."""
    from wananchi.extensions import db
    from wananchi.sla.escalation import run_scan

    result = run_scan(db.session.commit)
    click.echo(f"Checked {result.tickets} tickets; took {len(result.steps)} escalation steps.")


@wananchi_cli.command("train-routing")
def train_routing_command() -> None:
    """Train a new version of the routing model from the answered tickets now (the worker does it every night)."""
    from wananchi.extensions import db
    from wananchi.tickets.routing_model import train_routing_model

    version = train_routing_model()
    db.session.commit()
    if version is None:
        click.echo("Too few answered tickets to learn from; suggestions still come from word votes.")
        return
    measured = (
        f"on the newest {version.held_out_count} held out: institution top-1 {version.institution_top1:.0%}, "
        f"top-3 {version.institution_top3:.0%}; service top-1 {version.service_top1:.0%}, "
        f"top-3 {version.service_top3:.0%}"
        if version.institution_top1 is not None
        else "not measured (too few tickets to hold some out)"
    )
    click.echo(
        f"Routing model version {version.id}: learned from {version.ticket_count} tickets in "
        f"{version.training_seconds:.1f} s; {measured}."
    )


@wananchi_cli.command("clean-attachments")
def clean_attachments_command() -> None:
    """Rewrite the PDFs stored before documents were cleaned, and rename the files of anonymous and contact-hidden
    tickets (once, after upgrading; running it again changes nothing)."""
    from wananchi.core.storage import file_store
    from wananchi.extensions import db
    from wananchi.tickets.cleanup import clean_stored_attachments

    result = clean_stored_attachments(file_store(), db.session.commit)
    click.echo(f"Renamed {result.renamed} files; rewrote {result.rewritten} documents.")
    if result.unreadable:
        kept = ", ".join(str(attachment_id) for attachment_id in result.unreadable)
        click.echo(f"Documents that could not be rewritten, kept as they were (attachment ids): {kept}")


@wananchi_cli.command("move-files-to-bucket")
@click.option("--folder", default=None, help="The folder to move from (default: UPLOAD_FOLDER).")
@click.option("--keep", is_flag=True, help="Keep each file in the folder after copying it.")
def move_files_to_bucket_command(folder: str | None, keep: bool) -> None:
    """Move the files stored in a folder into the S3 bucket (S3_BUCKET), then check that every attachment and kept
    upload finds its file there. Safe to stop and run again."""
    from sqlalchemy import select

    from wananchi.core.storage import LocalFolder, S3Bucket, file_store, move_to_bucket
    from wananchi.extensions import db
    from wananchi.tickets.models import Attachment, KeptUpload

    store = file_store()
    if not isinstance(store, S3Bucket):
        raise click.ClickException("Set S3_BUCKET (and S3_ENDPOINT_URL and its keys) first: files go into the bucket.")
    result = move_to_bucket(LocalFolder(folder or current_app.config["UPLOAD_FOLDER"]), store, keep=keep)
    click.echo(f"Moved {result.moved} files; {result.already} were already in the bucket.")
    if result.failed:
        click.echo(f"Could not move (still in the folder): {', '.join(result.failed)}")
    held = set(store.names())
    named = db.session.scalars(select(Attachment.stored_name).union_all(select(KeptUpload.stored_name)))
    missing = sorted(name for name in named if name not in held)
    if missing:
        click.echo(f"Rows naming a file the bucket does not hold: {len(missing)} ({', '.join(missing[:20])})")
    if result.failed or missing:
        raise SystemExit(1)


@wananchi_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads for the default queue (every other task).")
@click.option(
    "--channel-workers",
    default=4,
    show_default=True,
    help="Threads for each delivery channel's own queue (e-mail, SMS): a hanging provider holds only its own.",
)
@click.option(
    "--queue",
    "queues",
    multiple=True,
    help="Consume only this queue (default, email, sms); repeat for several. Without it, every queue.",
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also start the periodic tasks (on one machine: deploy/systemd/wananchi-scheduler.service).",
)
def worker_command(workers: int, channel_workers: int, queues: tuple[str, ...], periodic: bool) -> None:
    """Run background tasks and the periodic ones (the escalation scan every minute) until stopped: every queue,
    each with its own threads, in this one process."""
    from wananchi.core.tasks import run_workers, task_queues

    known = list(task_queues())
    unknown = sorted(set(queues) - set(known))
    if unknown:
        raise click.BadParameter(f"no queue {', '.join(unknown)} (there are: {', '.join(known)})", param_hint="--queue")
    chosen = [name for name in known if name in queues] if queues else known
    run_workers({name: workers if name == "default" else channel_workers for name in chosen}, periodic)


def _pybabel(*args: str) -> None:
    """Run a pybabel command in this process, from the repository root."""
    from babel.messages.frontend import CommandLineInterface

    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", *args])
    finally:
        os.chdir(previous)


@translate_cli.command("extract")
def extract_command() -> None:
    """Collect every translatable message into messages.pot."""
    # _l: lazy_gettext; _lp: lazy_pgettext (context, message), e.g. _lp("count", "Received") for a label over a count.
    keywords = ("-k", "_l", "-k", "_lp:1c,2")
    _pybabel("extract", "-F", "babel.cfg", *keywords, "--sort-output", "--no-location", "-o", str(POT_FILE), ".")


@translate_cli.command("update")
@click.pass_context
def update_command(ctx: click.Context) -> None:
    """Extract, then merge new messages into the sw and en catalogues."""
    ctx.invoke(extract_command)
    _pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("compile")
def compile_command() -> None:
    """Compile the catalogues (.mo files are build output and are not committed)."""
    from wananchi.core.i18n import compile_catalogues

    for path in compile_catalogues(TRANSLATIONS):
        click.echo(f"compiled {path.relative_to(ROOT)}")


def register_cli(app: Flask) -> None:
    """Attach the command groups to the application."""
    app.cli.add_command(wananchi_cli)
    app.cli.add_command(translate_cli)
