from django.core.management.base import BaseCommand, CommandError

from claims.seed_review import SEED_REVIEW_PATH, SeedReviewError, load_seed_review


class Command(BaseCommand):
    help = (
        "Load the reviewed seed (fixtures/seed_review.json): triaged claims, sources, the verdicts the "
        "reference allows and the contradictions, through the workflow as the seed-review system user. "
        "Imports the seed FAQ first if needed. Safe to run again: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(SEED_REVIEW_PATH), help="the review fixture (default %(default)s)")

    def handle(self, *args, **opts):
        try:
            summary = load_seed_review(opts["path"])
        except SeedReviewError as exc:
            raise CommandError(str(exc)) from None
        for line in summary.lines():
            self.stdout.write(line)
