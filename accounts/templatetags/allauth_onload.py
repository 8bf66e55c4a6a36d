"""allauth's pages hand data to their static scripts in a JSON block that its `onload.js` reads
(`<script data-allauth-onload="..." type="application/json">`). Such a block is never run, so
the CSP has nothing against it, but written in a template it looks like an inline script; built
here, as Django's own `json_script` builds its block, no template carries one."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# What json_script escapes, so that the JSON cannot close the element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def allauth_onload(function: str, **data: object) -> SafeString:
    """The block that has allauth call `function` with `data`; a key `a__b` is `{"a": {"b": ...}}`."""
    nested: dict[str, object] = {}
    for key, value in data.items():
        *path, last = key.split("__")
        level = nested
        for part in path:
            child = level.setdefault(part, {})
            assert isinstance(child, dict)
            level = child
        level[last] = value
    payload = json.dumps(nested, cls=DjangoJSONEncoder).translate(_ESCAPES)
    escaped = mark_safe(payload)  # noqa: S308  # JSON with <, > and & escaped, as json_script does
    return format_html('<script data-allauth-onload="{}" type="application/json">{}</script>', function, escaped)
