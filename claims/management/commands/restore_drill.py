"""Prove that a backup restores: back up, restore into a scratch database, compare every public page."""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config import backup
from config.snapshot import public_urls, render


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"


def _digests(urls, host) -> dict:
    secure = getattr(settings, "SECURE_SSL_REDIRECT", False)
    pages = render(urls, host=host, secure=secure)
    return {
        url: [status, headers, hashlib.sha256(body).hexdigest()] for url, (status, headers, body) in pages.items()
    }


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup), restore it into a scratch database, "
        "and check that every public page and its ETag are byte for byte the same. The scratch database "
        "is dropped afterwards. Exit status 1 if anything differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backup-file", help="keep the backup at this path (default: a temporary file)")
        parser.add_argument("--snapshot", help=argparse_hidden())
        parser.add_argument("--urls", help=argparse_hidden())
        parser.add_argument("--host", default=None, help="the Host header to render pages with")

    def handle(self, *args, **opts):
        host = opts["host"] or _host()
        if opts["snapshot"]:  # the child process: render the given URLs from the restored database
            urls = json.loads(Path(opts["urls"]).read_text())
            Path(opts["snapshot"]).write_text(json.dumps({"urls": public_urls(), "pages": _digests(urls, host)}))
            return
        urls = public_urls()
        before = _digests(urls, host)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            path = Path(opts["backup_file"] or tmp / "claimledger.backup")
            backup.back_up(path)
            self.stdout.write(f"Backed up the {connection.vendor} database to {path} ({path.stat().st_size} bytes).")
            scratch = (
                f"{connection.settings_dict['NAME']}_restore_drill"
                if connection.vendor == "postgresql"
                else str(tmp / "restored.sqlite3")
            )
            url = backup.restore_into_scratch(path, scratch)
            try:
                (tmp / "urls.json").write_text(json.dumps(urls))
                env = {**os.environ, "DATABASE_URL": url}
                done = subprocess.run(
                    [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore_drill",
                     "--snapshot", str(tmp / "after.json"), "--urls", str(tmp / "urls.json"), "--host", host],
                    env=env, capture_output=True, text=True,
                )
                if done.returncode != 0:
                    raise CommandError(f"rendering the restored database failed: {done.stderr.strip()[-2000:]}")
                after = json.loads((tmp / "after.json").read_text())
            finally:
                backup.drop_scratch(scratch)
        differing = [u for u in urls if before[u] != after["pages"][u]]
        if after["urls"] != urls:
            raise CommandError("the restored database has different public URLs (missing or extra rows)")
        if differing:
            raise CommandError(f"{len(differing)} of {len(urls)} public pages differ after the restore: {', '.join(differing[:20])}")
        self.stdout.write(f"Restored into a scratch database: all {len(urls)} public pages are byte for byte the same.")


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
