"""Running the migrations to a given point, for the tests of data migrations."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target):
    """Migrate the test database to `target` (a list of (app, migration)); return the app registry there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def leaf_nodes(app: str | None = None):
    """The latest migrations (of `app`, or of every app): where a test migrates back to when it is done."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes(app)
