from django import template

from tracker.selectors import artist_label

register = template.Library()


@register.filter
def about(flag) -> str:
    """Who a flag is about, as the public may see it."""
    return artist_label(flag)
