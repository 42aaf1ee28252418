"""Content-Security-Policy: one strict policy for the whole site, Wagtail's admin included.

The policy lives in the settings (`CONTENT_SECURITY_POLICY`): no inline script or style anywhere. Wagtail's admin
writes no style attribute and sets styles from its scripts through the style object, which CSP does not govern.
Two things here make the admin work under it:

- `PreviewFramingCSPMiddleware` lets a response that X-Frame-Options allows its own site to frame (Wagtail's
  preview) be framed by it under CSP too.
- `AdminInlineScriptMiddleware` turns the few inline scripts Wagtail's admin writes (an InlinePanel's set-up, a date
  or time field's calendar) into inert JSON data that `static/js/admin_inline_scripts.js`, a file of our own origin,
  acts on. Only those exact shapes are converted, and their arguments must parse as JSON: they call a fixed Wagtail
  function with data, never run code. Any other inline script is left alone, so the policy still blocks it.
"""

import json
import re

from csp.constants import HEADER, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.templatetags.static import static

ADMIN_PREFIX = "/admin/"


def is_admin(request) -> bool:
    return request.path_info.startswith(ADMIN_PREFIX)


def framed_by_own_site(response) -> bool:
    return response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"


class PreviewFramingCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if framed_by_own_site(response) and HEADER in response:
            # Wagtail's preview runs the page through the middleware once more, as a request for the page's own
            # address, and that pass already set a policy: decide it again for the admin's request.
            del response[HEADER]
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if framed_by_own_site(response):
            # A view that lets its own site frame it (Wagtail's preview in the page editor) gets the same from CSP;
            # a view's own replacement (csp_replace) still wins.
            parts.replace = {"frame-ancestors": [SELF], **(parts.replace or {})}
        return parts


# What Wagtail's inline scripts call: functions, and constructors called with `new`.
FUNCTIONS = {"initDateChooser", "initTimeChooser", "initDateTimeChooser", "createTaskChooser"}
CONSTRUCTORS = {
    "InlinePanel",
    "MultipleChooserPanel",
    "DocumentChooser",
    "ImageChooser",
    "PageChooser",
    "SnippetChooser",
}

# A JSON string (escapejs and json.dumps both write one), on one line.
_STRING = r'"(?:[^"\\\n]|\\.)*"'
# wagtailadmin/widgets/{date,time,datetime}_input.html: initDateChooser("id", {...});
# BaseChooser.render: new PageChooser("id", {...});
_CALL = re.compile(r"<script>(new )?(\w+)\((" + _STRING + r")(?:, (\{[^\n]*?\}))?\);</script>")
# wagtailadmin/panels/inline_panel.html and multiple_chooser_panel.html
_PANEL = re.compile(
    r"<script>\s*\(function\(\) \{\s*var panel = new (InlinePanel|MultipleChooserPanel)\(JSON\.parse\("
    + r"("
    + _STRING
    + r")"
    + r"\)\);\s*\}\)\(\);\s*</script>"
)


def _data_script(call: str, args: list, *, new: bool) -> str:
    # JSON inside <script>: <, > and & escaped, so the data cannot close the element.
    data = json.dumps({"call": call, "new": new, "args": args})
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" data-admin-init>{data}</script>'


def _call(match: re.Match) -> str:
    new, name, first, options = match.groups()
    if name not in (CONSTRUCTORS if new else FUNCTIONS):
        return match.group(0)
    try:
        args = json.loads(f"[{first}, {options}]" if options else f"[{first}]")
    except ValueError:
        return match.group(0)
    return _data_script(name, args, new=bool(new))


def _panel(match: re.Match) -> str:
    constructor, options = match.groups()
    try:
        return _data_script(constructor, [json.loads(json.loads(options))], new=True)
    except ValueError:
        return match.group(0)


def convert_inline_scripts(html: str, shim_url: str) -> str:
    converted = _PANEL.sub(_panel, _CALL.sub(_call, html))
    if converted == html:
        return html
    # Deferred: it runs once the page is parsed and Wagtail's own scripts have defined what it calls.
    return converted.replace("</head>", f'<script src="{shim_url}" defer></script></head>', 1)


class AdminInlineScriptMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            is_admin(request)
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<script>" in response.content
        ):
            html = response.content.decode(response.charset)
            response.content = convert_inline_scripts(html, static("js/admin_inline_scripts.js")).encode(
                response.charset
            )
        return response
