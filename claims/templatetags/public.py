from django import template

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "": imported and typed URLs never become javascript: links."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""
