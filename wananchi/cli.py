"""`flask --app wsgi wananchi ...` and `flask --app wsgi translate ...` commands."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"

wananchi_cli = AppGroup("wananchi", help="Wananchi administration commands.")
translate_cli = AppGroup("translate", help="Swahili and English message catalogues.")


@wananchi_cli.command("seed-demo")
@click.option("--tickets", default=200, show_default=True, help="How many demo tickets to create.")
def seed_demo_command(tickets: int) -> None:
    """Load a realistic Tanzanian demo set; running it again changes nothing."""
    from wananchi.demo.seed import seed_demo
    from wananchi.extensions import db

    summary = seed_demo(ticket_count=tickets)
    db.session.commit()
    for line in summary:
        click.echo(line)


@wananchi_cli.command("seed-if-empty")
@click.pass_context
def seed_if_empty_command(ctx: click.Context) -> None:
    """Seed the demo set only when the database has no institution yet (used by `make run`)."""
    from sqlalchemy import func, select

    from wananchi.extensions import db
    from wananchi.institutions.models import Institution

    if db.session.scalar(select(func.count(Institution.id))):
        click.echo("Database already has data; not seeding.")
        return
    ctx.invoke(seed_demo_command)


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
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--sort-output", "--no-location", "-o", str(POT_FILE), ".")


@translate_cli.command("update")
@click.pass_context
def update_command(ctx: click.Context) -> None:
    """Extract, then merge new messages into the sw and en catalogues."""
    ctx.invoke(extract_command)
    _pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")


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
