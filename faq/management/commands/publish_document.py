from django.core.management.base import BaseCommand, CommandError

from faq.models import Document
from faq.publishing import set_published


class Command(BaseCommand):
    help = (
        "Publish documents (by slug): they and their claims appear on the public site. "
        "With --unpublish, withdraw them from every public page, export and feed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="+", metavar="SLUG")
        parser.add_argument("--unpublish", action="store_true", help="withdraw instead of publishing")

    def handle(self, *args, **opts):
        documents = list(Document.objects.filter(slug__in=opts["slugs"]))
        missing = sorted(set(opts["slugs"]) - {document.slug for document in documents})
        if missing:
            raise CommandError(f"no document with the slug {', '.join(missing)}; nothing changed")
        published = not opts["unpublish"]
        changed = set_published(documents, user=None, published=published)
        verb = "Published" if published else "Unpublished"
        unchanged = len(documents) - len(changed)
        self.stdout.write(f"{verb} {len(changed)} document(s)" + (f"; {unchanged} already were." if unchanged else "."))
