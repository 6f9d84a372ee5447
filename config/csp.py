"""Where the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) is widened, each for
one kind of page and only as far as that page needs. No page is allowed an inline script.

- The browsable API: Django REST framework's templates put a few `style=` attributes on
  their markup (`style-src-attr`), and one `<style>` element, allowed by its hash; no script.
- Swagger UI (/api/v1/docs/): the split view loads its start-up script from its own URL
  instead of inline; Swagger UI's stylesheet draws its icons as `data:` images.
- Redoc (/api/v1/redoc/): Redoc writes its styles into `<style>` elements as it renders
  (styled-components), draws icons as `data:` images and searches in a worker it starts
  from a `blob:`. Its "powered by" logo from Redocly's CDN stays refused: the docs load
  nothing from outside this server.
"""

import base64
import hashlib

from csp.decorators import csp_update
from django.utils.html import escape
from rest_framework import renderers

BROWSABLE_API = {"style-src-attr": ["'unsafe-inline'"]}
SWAGGER_UI = {"img-src": ["data:"]}
REDOC = {"style-src": ["'unsafe-inline'"], "img-src": ["data:"], "worker-src": ["blob:"]}


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """REST framework's browsable API, with the policy widened for its page alone: its style=
    attributes, and its one `<style>` element (Pygments' colours) by the hash of its text."""

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        response = renderer_context.get("response")
        if response is not None:
            update = dict(BROWSABLE_API)
            if context.get("code_style"):
                # The template writes the stylesheet escaped: hash what the browser reads.
                digest = hashlib.sha256(escape(context["code_style"]).encode()).digest()
                update["style-src"] = [f"'sha256-{base64.b64encode(digest).decode()}'"]
            response._csp_update = update
        return context


# drf-spectacular's views are imported when the URLs are: they read REST framework's
# settings, which name the renderer above.
def swagger_ui(url_name: str):
    from drf_spectacular.views import SpectacularSwaggerSplitView

    return csp_update(SWAGGER_UI)(SpectacularSwaggerSplitView.as_view(url_name=url_name))


def redoc(url_name: str):
    from drf_spectacular.views import SpectacularRedocView

    return csp_update(REDOC)(SpectacularRedocView.as_view(url_name=url_name))
