from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from claims.escaping import escape as _e

register = template.Library()


def _url_maker(viewname: str, kwarg: str, sentinel: str):
    """A function giving `viewname`'s address for a value: reversed once, the value put in the sentinel's place.

    For tags that draw one link per row, where reverse() per row was a large
    part of the page's time. For ids and slugs only, which reverse() would not
    quote either.
    """
    prefix, suffix = reverse(viewname, kwargs={kwarg: sentinel}).split(sentinel)
    return lambda value: f"{prefix}{value}{suffix}"


def _fmt(format_string: str, *args) -> str:
    return format_string.format(*[_e(arg) for arg in args])


def _fmt_join(separator: str, format_string: str, rows) -> str:
    return separator.join(format_string.format(*[_e(arg) for arg in row]) for row in rows)


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "": imported and typed URLs never become javascript: links."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


@register.simple_tag
def status_bar(parts, link=""):
    """A bar of claims by status with each part's count in text beside it (one string, not a template per part).

    The home page draws one per document; rendered through an include, those
    bars were most of the page's time. The bar is SVG rectangles sized by
    attributes and coloured by st-* classes: the Content-Security-Policy allows
    no inline style. With `link`, each count links to link + the status's value
    (a filter). Labels and colours come from ClaimStatus, never from imported
    text, and are escaped all the same.
    """
    label = ", ".join(f"{part.label}: {part.count}" for part in parts)
    total = parts[0].total if parts else 0
    bar = ""
    if total:
        rects = mark_safe(_fmt_join(
            "",
            '<rect class="st-{}" x="{}" y="0" width="{}" height="1"><title>{}: {}</title></rect>',
            ((part.status.value, part.before, part.count, part.label, part.count) for part in parts if part.count),
        ))
        bar = _fmt(
            '<svg class="bar" role="img" viewBox="0 0 {} 1" preserveAspectRatio="none" aria-label="{}">{}</svg>\n',
            total, label, rects,
        )
    if link:
        item = '<li><a href="{0}{1}"><span class="swatch st-{1}" aria-hidden="true"></span>{2}: <strong>{3}</strong></a></li>'
        counts = _fmt_join("\n  ", item, ((link, part.status.value, part.label, part.count) for part in parts))
    else:
        item = '<li><span class="swatch st-{}" aria-hidden="true"></span>{}: <strong>{}</strong></li>'
        counts = _fmt_join("\n  ", item, ((part.status.value, part.label, part.count) for part in parts))
    # bar and counts are built above from escaped pieces.
    return mark_safe(f'{bar}<ul class="counts">\n  {counts}\n</ul>')


# data-col names each column, so the phone layout (CSS) can put the status first and label the small columns.
# The document is shown by its short name, the full title on hover; the status colour is an st-* class (CSP).
_ROW = (
    '<tr>\n    <td data-col="id"><a href="{0}">#{1}</a></td>\n    <td data-col="statement"><a href="{0}">{2}</a></td>\n'
    '    <td data-col="document"><a href="{3}" title="{4}">{10}</a></td>\n'
    '    <td data-col="question" class="num"><a href="{3}#q{5}">{5}</a></td>\n'
    '    <td data-col="status"><span class="badge st-{6}">{7}</span>{11}</td>\n'
    '    <td data-col="citations" class="num">{8}</td>\n    <td data-col="flags" class="num">{9}</td>\n  </tr>'
)


# A claim a later version removed: said in words (not by colour), with the version it was last seen in.
_REMOVED_NOTE = ' <span class="removed-note">removed from the page (last in version {})</span>'


def _truncated(text: str, limit: int = 160) -> str:
    # As the truncatechars filter: at most `limit` characters, the ellipsis included.
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.simple_tag
def claim_rows(claims):
    """The claims table's rows, one formatted string each (escaped like any template variable).

    Rendered as template nodes, the 50 rows were half of a table page's time.
    """
    claim_url = _url_maker("claims:detail", "pk", "918273645")
    document_url = _url_maker("faq:detail", "slug", "sentinel-slug-918273645")
    return mark_safe(_fmt_join(
        "\n  ",
        _ROW,
        (
            (
                claim_url(claim.pk), claim.pk, _truncated(claim.statement),
                document_url(claim.question.document.slug), claim.question.document.title, claim.question.number,
                claim.status_badge.value, claim.status_badge.label, claim.citation_count, claim.open_flag_count,
                claim.question.document.short_name,
                mark_safe(_fmt(_REMOVED_NOTE, claim.removed_after_version)) if claim.removed_after_version else "",
            )
            for claim in claims
        ),
    ))


_CLAIM_MARK = (
    '<a class="claim st-{0}{1}" id="c{2}" href="{3}"><mark>{4}</mark> <span class="tag">{5}</span>'
    '<span class="preview"><strong>{5}.</strong> {6} <span class="more">Open the claim for its evidence.</span></span></a>'
)


@register.simple_tag
def answer_paragraph(paragraph):
    """One paragraph of an answer: plain runs escaped, each claim's run a link with its status and finding.

    The document page draws one of these per claim; as template nodes (a
    `{% url %}` and a dozen variable look-ups each) they were most of the
    page's time. The claim's address is reversed once per paragraph (_url_maker).
    """
    parts = []
    claim_url = None
    for segment in paragraph:
        claim = segment.claim
        if claim is None:
            parts.append(_e(segment.text))
            continue
        if claim_url is None:
            claim_url = _url_maker("claims:detail", "pk", "918273645")
        status = claim.status_choice
        verdict = status.is_verdict
        parts.append(
            _fmt(
                _CLAIM_MARK,
                status.value, " verdict-claim" if verdict else "", claim.pk, claim_url(claim.pk),
                segment.text, status.label, claim.finding if verdict and claim.finding else status.meaning,
            )
        )
    return mark_safe("".join(parts))
