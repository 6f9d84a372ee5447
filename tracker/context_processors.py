from django.conf import settings


def privacy(request):
    return {"MIN_GROUP_SIZE": settings.MIN_GROUP_SIZE}
