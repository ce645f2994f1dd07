"""Backups as docs/operations.md describes them, in code, so a script can prove a restore works.

PostgreSQL: `pg_dump --format=custom` and `pg_restore` into an empty database.
SQLite: the online backup API (`sqlite3.Connection.backup`), which copies a
consistent snapshot while the site keeps running; restoring is putting that
file in place of the database file while the site is stopped.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


def _pg(settings_dict) -> tuple[list[str], dict]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = os.environ.copy()
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(command: list[str], env=None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed (exit {done.returncode}): {done.stderr.strip()}")


def back_up(path: Path, alias: str = "default") -> None:
    """Write a backup of the database to `path` (pg_dump custom format, or a SQLite database file)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        args, env = _pg(connection.settings_dict)
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(path), connection.settings_dict["NAME"]], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise RuntimeError(f"no backup recipe for the {connection.vendor} database")


def restore_into_scratch(path: Path, scratch: str, alias: str = "default") -> str:
    """Restore the backup at `path` into a new database named `scratch`; return its DATABASE_URL."""
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg(settings_dict)
        drop_scratch(scratch, alias)
        _run(["createdb", *args, scratch], env)
        _run(["pg_restore", *args, "--no-owner", "--exit-on-error", "--dbname", scratch, str(path)], env)
        user = settings_dict.get("USER") or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "localhost"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{scratch}"
    restored = Path(scratch)
    restored.write_bytes(Path(path).read_bytes())
    return f"sqlite:///{restored.resolve()}"


def drop_scratch(scratch: str, alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        args, env = _pg(connection.settings_dict)
        _run(["dropdb", *args, "--if-exists", scratch], env)
    else:
        Path(scratch).unlink(missing_ok=True)
