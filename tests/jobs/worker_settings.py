"""Settings for the Celery worker that tests/jobs/test_worker.py starts as a subprocess.

The environment-driven settings, pointed at the test database the pytest process created
(its name comes in TRACKER_TEST_DATABASE), with the worker's connections labelled so the
tests can find them in pg_stat_activity.
"""

import os

from config.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["TRACKER_TEST_DATABASE"]  # noqa: F405
DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = os.environ["TRACKER_TEST_WORKER_APP_NAME"]  # noqa: F405
# No remote control: nothing to ping, so a killed worker leaves no mailbox behind in Redis.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
