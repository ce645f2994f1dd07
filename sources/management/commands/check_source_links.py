from django.core.management.base import BaseCommand, CommandError

from sources.linkcheck import check_links, record_results
from sources.models import Source, is_front_page_url


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(value)
    return number


def _not_negative(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


# argparse names the option and the bad value when a type function raises ValueError.
_positive.__name__ = "positive number of seconds"
_not_negative.__name__ = "number of seconds (0 or more)"
_at_least_one.__name__ = "whole number (1 or more)"


class Command(BaseCommand):
    help = (
        "Check that each source's URL still answers (HEAD, falling back to GET) and record the HTTP "
        "status, or why there was none, and the time on the source. Polite: one request at a time "
        "per host, --delay seconds apart."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=_positive, default=10.0, help="seconds to wait for an answer (default %(default)s)"
        )
        parser.add_argument(
            "--delay",
            type=_not_negative,
            default=1.0,
            help="seconds between requests to one host (default %(default)s)",
        )
        parser.add_argument(
            "--concurrency", type=_at_least_one, default=4, help="requests in flight at once (default %(default)s)"
        )
        parser.add_argument("--only-broken", action="store_true", help="recheck only links found broken last time")
        parser.add_argument(
            "--source", type=int, nargs="+", action="extend", default=[], metavar="ID", help="check only these"
        )

    def handle(self, *args, **opts):
        sources = Source.objects.exclude(url="").order_by("pk")
        if opts["source"]:
            wanted = set(opts["source"])
            missing = sorted(wanted - set(Source.objects.filter(pk__in=wanted).values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"--source {' '.join(map(str, missing))}: no such source")
            sources = sources.filter(pk__in=wanted)
        if opts["only_broken"]:
            sources = sources.broken_links()
        sources = list(sources.only("pk", "url"))
        if not sources:
            self.stdout.write("No source links to check.")
            return

        broken = 0

        def report(result):
            nonlocal broken
            # Saved one by one, so an interrupted run keeps what it found.
            record_results([result])
            answer = result.error or str(result.status)
            if result.broken:
                broken += 1
                line = f"broken  source {result.source_id}: {result.url} — {answer}"
                self.stdout.write(self.style.WARNING(line))
            elif opts["verbosity"] >= 2:
                self.stdout.write(f"ok      source {result.source_id}: {result.url} — {answer} ({result.method})")

        results = check_links(
            sources,
            timeout=opts["timeout"],
            delay=opts["delay"],
            concurrency=opts["concurrency"],
            on_result=report,
        )
        self.stdout.write(f"Checked {len(results)} links: {len(results) - broken} ok, {broken} broken.")
        # A front page answers 200 yet leads nowhere: listed apart, for an editor to replace with the page itself.
        front_pages = [source for source in sources if is_front_page_url(source.url)]
        for source in front_pages:
            line = f"needs a deep link  source {source.pk}: {source.url} is a front page, not the evidence"
            self.stdout.write(self.style.WARNING(line))
        if front_pages:
            self.stdout.write(f"{len(front_pages)} source{'s' if len(front_pages) != 1 else ''} need a deep link.")
