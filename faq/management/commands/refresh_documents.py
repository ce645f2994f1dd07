import time

from django.core.management.base import BaseCommand, CommandError

from faq.refresh import refresh_document, refreshable


class Command(BaseCommand):
    help = (
        "Fetch the source page of documents again and import a new version of each whose text changed. "
        "Meant for cron or a systemd timer; prints one line per document: unchanged, new version, gone or failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", action="append", default=[], help="refresh this document (repeatable)")
        parser.add_argument("--all", action="store_true", help="refresh every document with a source URL")
        parser.add_argument(
            "--delay", type=float, default=5.0, help="seconds to wait between two fetches (default 5: be polite)"
        )

    def handle(self, *args, **opts):
        if bool(opts["slug"]) == opts["all"]:
            raise CommandError("give --slug SLUG (one or more) or --all, one of the two")
        documents = refreshable()
        if opts["slug"]:
            documents = documents.filter(slug__in=opts["slug"])
            missing = set(opts["slug"]) - set(documents.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no document with a source URL has the slug {', '.join(sorted(missing))}")
        failed = 0
        for n, document in enumerate(documents):
            if n and opts["delay"] > 0:
                time.sleep(opts["delay"])
            outcome = refresh_document(document)
            failed += outcome.kind == "failed"
            self.stdout.write(str(outcome))
        if failed:
            raise CommandError(f"{failed} document(s) could not be refreshed")
