"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from wananchi import create_app

app = create_app()
