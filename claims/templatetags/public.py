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
