"""Test settings: the environment-driven settings with only what tests need changed."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# One test database per test run, so parallel runs on one server never drop each other's.
DATABASES["default"]["TEST"] = {"NAME": f"test_tracker_{os.getpid()}"}  # noqa: F405
# A second alias, so the replica routing (config/routers.py) runs in every test: a test
# mirror, i.e. its own connection to the test database. tests/conftest.py lends it the
# default connection in each test, so a read routed to it sees the test's uncommitted rows;
# tests/config/test_replica_routing.py keeps it a connection of its own.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# The webhook tests run their receiver on loopback.
WEBHOOK_ALLOW_PRIVATE_HOSTS = True
# Tasks run in process in tests, with or without Redis; the real-worker tests (tests/jobs/
# test_worker.py) switch this off for themselves and talk to a worker over Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Each test run gets its own cache namespace (with Redis, entries outlive a run), and rates
# high enough that the suite is never throttled (the throttling tests set their own).
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
# The test client and the live server speak plain http; the redirect to https has its own
# tests (tests/config/test_security_headers.py).
SECURE_SSL_REDIRECT = False
# Figures are recomputed before answering after every write, as the tests expect; serving
# recent figures while they are recomputed has its own tests (tests/tracker/test_stale_figures.py).
FIGURES_STALE_SECONDS = 0
FIGURES_REFRESH_SECONDS = 0
