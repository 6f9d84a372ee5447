"""GET /healthz: whether the site's services answer, for a load balancer or an operator.

Anyone is told the status ("ok", or "degraded" when Redis is down: the site serves, without
cache, throttles or queued tasks) and which service is down. Staff also see what this
process has done without Redis since it started (config.resilience). The answer is 200
whenever the database answers, since the site then serves; 503 when it does not.
"""

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import resilience


def _database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _redis() -> str:
    cache = caches["default"]
    if not isinstance(cache, resilience.ResilientRedisCache):
        return "not configured"
    cache.has_key("healthz")  # a failure marks Redis down (and is counted)
    return resilience.redis_state()["redis"]


@never_cache
@require_GET
def healthz(request):
    database = "up" if _database_up() else "down"
    redis = _redis()
    status = "down" if database == "down" else ("degraded" if redis == "down" else "ok")
    body = {"status": status, "database": database, "redis": redis}
    if request.user.is_authenticated and request.user.is_staff:
        body["degraded_since_start"] = resilience.degraded_counts()
        if redis == "down":
            body["redis_error"] = resilience.redis_state().get("error", "")
    return JsonResponse(body, status=503 if database == "down" else 200)
