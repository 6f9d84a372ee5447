"""Settings for the server tests/config/test_redis_down.py runs as a subprocess (gunicorn).

The environment-driven production settings (REDIS_URL points at the test's own Redis),
pointed at the test database the pytest process created (TRACKER_TEST_DATABASE), reading
the test users' fast password hashes and serving static files without a manifest.
"""

import os

from config.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["TRACKER_TEST_DATABASE"]  # noqa: F405
DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = os.environ["TRACKER_TEST_SERVER_APP_NAME"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
