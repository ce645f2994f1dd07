from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "": imported and typed URLs never become javascript: links."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


@register.simple_tag
def status_bar(parts):
    """A bar of claims by status with each part's count in text beside it (one string, not a template per part).

    The home page draws one per document; rendered through an include, those
    bars were most of the page's time. Labels and colours come from ClaimStatus,
    never from imported text, and are escaped all the same.
    """
    label = ", ".join(f"{part.label}: {part.count}" for part in parts)
    bar = format_html_join(
        "",
        '<span style="--st:{};flex-grow:{}" title="{}: {}"></span>',
        ((part.colour, part.count, part.label, part.count) for part in parts),
    )
    counts = format_html_join(
        "\n  ",
        '<li><span class="swatch" style="--st:{}" aria-hidden="true"></span>{}: <strong>{}</strong></li>',
        ((part.colour, part.label, part.count) for part in parts),
    )
    return format_html(
        '<div class="bar" role="img" aria-label="{}">{}</div>\n<ul class="counts">\n  {}\n</ul>', label, bar, counts
    )


_ROW = (
    '<tr>\n    <td><a href="{0}">#{1}</a></td>\n    <td><a href="{0}">{2}</a></td>\n'
    '    <td><a href="{3}">{4}</a></td>\n    <td class="num"><a href="{3}#q{5}">{5}</a></td>\n'
    '    <td><span class="badge" style="--st:{6}">{7}</span></td>\n'
    '    <td class="num">{8}</td>\n    <td class="num">{9}</td>\n  </tr>'
)


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
                claim.status_badge.colour, claim.status_badge.label, claim.citation_count, claim.open_flag_count,
            )
            for claim in claims
        ),
    )
