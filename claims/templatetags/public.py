from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


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
        rects = format_html_join(
            "",
            '<rect class="st-{}" x="{}" y="0" width="{}" height="1"><title>{}: {}</title></rect>',
            ((part.status.value, part.before, part.count, part.label, part.count) for part in parts if part.count),
        )
        bar = format_html(
            '<svg class="bar" role="img" viewBox="0 0 {} 1" preserveAspectRatio="none" aria-label="{}">{}</svg>\n',
            total, label, rects,
        )
    if link:
        item = '<li><a href="{0}{1}"><span class="swatch st-{1}" aria-hidden="true"></span>{2}: <strong>{3}</strong></a></li>'
        counts = format_html_join(
            "\n  ", item, ((link, part.status.value, part.label, part.count) for part in parts)
        )
    else:
        item = '<li><span class="swatch st-{}" aria-hidden="true"></span>{}: <strong>{}</strong></li>'
        counts = format_html_join("\n  ", item, ((part.status.value, part.label, part.count) for part in parts))
    return format_html('{}<ul class="counts">\n  {}\n</ul>', bar, counts)


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
    """The claims table's rows, one format_html each (escaped like any template variable).

    Rendered as template nodes, the 50 rows were half of a table page's time.
    """
    return format_html_join(
        "\n  ",
        _ROW,
        (
            (
                claim.get_absolute_url(), claim.pk, _truncated(claim.statement),
                claim.question.document.get_absolute_url(), claim.question.document.title, claim.question.number,
                claim.status_badge.value, claim.status_badge.label, claim.citation_count, claim.open_flag_count,
                claim.question.document.short_name,
                format_html(_REMOVED_NOTE, claim.removed_after_version) if claim.removed_after_version else "",
            )
            for claim in claims
        ),
    )
