import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from faq.importing import ImportOptions, ImportRefused, import_faq_file, import_faq_url


class Command(BaseCommand):
    help = (
        "Import an FAQ page as a document with its questions and claims: a file (plain text, Markdown "
        "or a saved HTML page) or, with --url, the page on the web."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the FAQ file: UTF-8 text, Markdown or HTML (.html)")
        parser.add_argument("--url", default="", help="fetch the page from this http(s) address instead of a file")
        parser.add_argument("--title", default="", help="the document's title (default: the page's, else the first line)")
        parser.add_argument("--slug", default="", help="the document's slug (default: from its title)")
        parser.add_argument("--category", default=None, help="override the category found in the page")
        parser.add_argument("--jurisdiction", default="", help="e.g. NC")
        parser.add_argument("--source-url", default="", help="where the page was published (default: the --url)")
        parser.add_argument("--retrieved-on", default=None, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the parsed document as JSON")

    def handle(self, *args, **opts):
        if bool(opts["path"]) == bool(opts["url"]):
            raise CommandError("give a file to import or --url, one of the two")
        options = ImportOptions(
            slug=opts["slug"],
            title=opts["title"].strip(),
            category=opts["category"],
            jurisdiction=opts["jurisdiction"],
            source_url=opts["source_url"],
            retrieved_on=opts["retrieved_on"],
        )
        try:
            if opts["url"]:
                result = import_faq_url(opts["url"], options=options, dry_run=opts["dry_run"])
            else:
                result = import_faq_file(opts["path"], options=options, dry_run=opts["dry_run"])
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            data = result.parsed.to_dict()
            data["title"] = result.title
            data["warnings"] = [{"line": w.line, "message": w.message} for w in result.warnings]
            if result.plan is not None and not result.unchanged:
                # A changed text for an existing document: what the new version does to its claims.
                data["version_plan"] = result.plan.to_dict()
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            # The parser's guesses, line by line, in the dry run and after an import alike.
            self.stdout.write("\n".join(result.lines()))
