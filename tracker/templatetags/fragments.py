"""`{% figures_fragment "name" extra… %}…{% endfigures_fragment %}`: a part of a public page
rendered once per computation of the figures it shows.

tracker.cache.page_figures notes on the request which computation of each figure set it
served (`request.figures_tag`: the set, its version and when it was computed). A fragment is
cached under that tag, the page's full path (its filters, sort and page: only when every
parameter is one the pages read, `PAGE_PARAMS`; else it is rendered uncached) and any extra
values given, so it is drawn again exactly when one of its inputs changes: new figures,
other filters, or an extra value such as the last scan. A page that served no figures is
rendered as usual, uncached. Nothing about the visitor may go inside a fragment (their name,
the CSRF token, what they follow): those stay outside it in the templates.
"""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache

register = template.Library()

# The query parameters the public pages read (their forms' and filters' fields, the page).
# A fragment is cached only for a query made of these: any other parameter would make a new
# cache entry for the same content, and a visitor could fill the cache with them.
PAGE_PARAMS = frozenset(
    {"sort", "status", "organization", "period", "programs", "program", "kind", "severity", "state"}
    | {"since", "until", "month", "page", "format"}
)


def known_query(request) -> bool:
    return all(key in PAGE_PARAMS for key in request.GET)


class FiguresFragmentNode(template.Node):
    def __init__(self, nodelist, name, extra):
        self.nodelist, self.name, self.extra = nodelist, name, extra

    def render(self, context):
        request = context.get("request")
        tag = getattr(request, "figures_tag", None)
        if tag is None or not known_query(request):
            return self.nodelist.render(context)
        extra = [e.resolve(context) for e in self.extra]
        parts = [self.name.resolve(context), tag, request.get_full_path(), *extra]
        key = "fragment:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, timeout=settings.STATS_CACHE_SECONDS)
        return html


@register.tag("figures_fragment")
def figures_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("figures_fragment needs a name")
    nodelist = parser.parse(("endfigures_fragment",))
    parser.delete_first_token()
    return FiguresFragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]])
