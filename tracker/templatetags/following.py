"""{% is_following program as following %}: whether the signed-in visitor follows a program
(their own choice, just made: read on the primary)."""

from django import template
from django.db import DEFAULT_DB_ALIAS

from tracker.models import Follow

register = template.Library()


@register.simple_tag(takes_context=True)
def is_following(context, program) -> bool:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return False
    return Follow.objects.using(DEFAULT_DB_ALIAS).filter(user=user, program=program).exists()
