"""The schema comes only from migrations, and the models match the migration head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from wananchi.core.db import include_in_autogenerate
from wananchi.extensions import db as _db


def test_models_match_the_migration_head(app, db):
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_in_autogenerate}
        )
        differences = compare_metadata(context, _db.metadata)
    assert differences == [], "run `flask --app wsgi db migrate` and commit the revision"


def test_the_database_is_at_the_single_head(app, db):
    migrate: Migrate = app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    script = ScriptDirectory.from_config(config)
    heads = script.get_heads()
    assert len(heads) == 1
    with _db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == heads[0]
