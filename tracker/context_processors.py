from django.conf import settings

from tracker.privacy import METHODOLOGY_VERSION


def privacy(request):
    return {"MIN_GROUP_SIZE": settings.MIN_GROUP_SIZE, "METHODOLOGY_VERSION": METHODOLOGY_VERSION}
