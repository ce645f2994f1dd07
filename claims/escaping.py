"""Escaping for the public pages' hand-built HTML (the claims rows, status bars, the table's filter form).

Django's escape, format_html and format_html_join, without their per-call
overhead (lazy-string checks, a SafeString per piece): on the home, document
and table pages those calls were most of the render time. The output is the
same: a value that is already safe is kept as is, anything else goes through
html.escape (what django.utils.html.escape calls), so imported text is
always escaped.
"""

import html


def escape(value) -> str:
    """`value` as a template variable would print it: a safe value as is, anything else escaped."""
    if type(value) is int:
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
