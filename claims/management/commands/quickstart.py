import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from claims.roles import ensure_groups
from claims.seed import load_seed_documents
from claims.seed_review import load_seed_review


class Command(BaseCommand):
    help = (
        "Set up a working ClaimLedger: migrate, load the seed FAQ and its review, create the Editors and "
        "Reviewers groups and a first admin, then serve on http://127.0.0.1:8000. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="do everything but start the server")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="where to serve (default %(default)s)")

    def handle(self, *args, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        for result in load_seed_documents():
            self.stdout.write(result.message)
        for line in load_seed_review().lines():
            self.stdout.write(line)
        ensure_groups()
        self.stdout.write("Groups Editors and Reviewers are in place.")
        self._first_admin()
        if opts["no_serve"]:
            return
        self.stdout.write(f"Serving on http://{opts['addrport']}/ (admin at /admin/). Ctrl-C stops.")
        call_command("runserver", opts["addrport"], use_reloader=False)

    def _first_admin(self):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists; new password: python manage.py changepassword USERNAME")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(self.style.WARNING(f"Created superuser 'admin' with password: {password}"))
        self.stdout.write("It is shown only this once; change it with: python manage.py changepassword admin")
