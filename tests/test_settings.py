"""Settings are read from the environment, and bad values stop start-up with a clear message."""

import os
import subprocess
import sys

from django.conf import settings


def settings_in_subprocess(env: dict, expr: str):
    code = f"import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; from django.conf import settings; print({expr})"
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    return subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, cwd=settings.BASE_DIR)


def test_an_empty_database_url_means_the_sqlite_file():
    done = settings_in_subprocess({"DATABASE_URL": ""}, "settings.DATABASES['default']['ENGINE']")
    assert done.stdout.strip() == "django.db.backends.sqlite3"


def test_a_postgres_url_selects_postgresql():
    done = settings_in_subprocess(
        {"DATABASE_URL": "postgres://u@db.example:5432/cl"}, "settings.DATABASES['default']['NAME']"
    )
    assert done.stdout.strip() == "cl"


def test_a_bad_boolean_names_the_variable():
    done = settings_in_subprocess({"DJANGO_DEBUG": "maybe"}, "settings.DEBUG")
    assert done.returncode != 0
    assert "DJANGO_DEBUG='maybe': expected true or false" in done.stderr


def test_production_needs_a_secret_key():
    done = settings_in_subprocess({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""}, "settings.DEBUG")
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false" in done.stderr


def documented_production_variables() -> dict:
    """The variables docs/deployment.md tells an operator to set, with its "..." placeholders filled in."""
    text = (settings.BASE_DIR / "docs" / "deployment.md").read_text()
    block = text.split("## Production settings", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    env = {}
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            name, value = line.split("=", 1)
            env[name] = value.strip('"').replace("...", "Xq7-documented-placeholder-value-0123456789abcdefghijklmnopqrstuvwxyz")
    return env


def test_production_settings_pass_the_deployment_checks():
    env = documented_production_variables()
    assert {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"} <= set(env)
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=full_env, capture_output=True, text=True, cwd=settings.BASE_DIR,
    )
    assert done.returncode == 0, done.stderr


def test_serving_with_debug_on_warns_the_operator():
    done = settings_in_subprocess({"DJANGO_DEBUG": "true"}, "__import__('config.wsgi').wsgi.application and 'ok'")
    assert "DJANGO_DEBUG is not 'false'" in done.stderr
    quiet = settings_in_subprocess(
        documented_production_variables() | {"DJANGO_LOG_LEVEL": "WARNING"}, "__import__('config.wsgi').wsgi.application and 'ok'"
    )
    assert quiet.stdout.strip() == "ok" and "DJANGO_DEBUG" not in quiet.stderr
