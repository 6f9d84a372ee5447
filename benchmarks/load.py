"""The locustfile of the load test; benchmarks/load_run.py sets it up and runs it.

    .venv/bin/python benchmarks/load_run.py          # or: make load

Three kinds of visitor, on gunicorn, as the real stack serves them:

- artists log contributions through the API with their tokens (POST /api/v1/me/contributions/);
  the demo artist gets its token through POST /api/v1/auth/token/ first, the others use the
  tokens load_run.py issued; every 201 is counted, and the runner checks that every
  acknowledged id is in the table;
- advocates read the public pages: `/`, a program page and `/flags/`;
- API clients read the stats: /api/v1/stats/summary/ and /api/v1/stats/programs/.

With `--reads-only`, load_run.py starts only the Advocate and StatsClient classes.

The visitors are locust's FastHttpUser (geventhttpclient): locust runs on the same cores as
the server, and its lighter client leaves them to the server (measured: with HttpUser, built on
requests, locust took 11 % of a core at 55 requests/s; with FastHttpUser 18 % at 210).

load_run.py passes the artists (token, program slug) and program slugs in LOAD_WORLD, a JSON
file, and the think time in LOAD_WAIT ("min,max" seconds).
"""

import datetime as dt
import itertools
import json
import os
import random
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

WORLD = json.loads(Path(os.environ["LOAD_WORLD"]).read_text()) if os.environ.get("LOAD_WORLD") else {}
WAIT = [float(part) for part in os.environ.get("LOAD_WAIT", "0.05,0.25").split(",")]
ARTISTS = itertools.cycle(WORLD.get("artists", []))
PROGRAMS = WORLD.get("programs", [])
KINDS = ["feedback_session", "bug_report", "survey", "exploration"]
_first_artist = [True]
# The ids of the contributions the API acknowledged (201): load_run.py checks every one is there.
ACKNOWLEDGED: list[int] = []


@events.quitting.add_listener
def write_acknowledged(environment, **kwargs):
    if os.environ.get("LOAD_ACKNOWLEDGED"):
        Path(os.environ["LOAD_ACKNOWLEDGED"]).write_text(json.dumps(ACKNOWLEDGED))


class Artist(FastHttpUser):
    """An artist logging work through the API with a token."""

    weight = 2
    wait_time = between(*WAIT)

    def on_start(self):
        me = next(ARTISTS)
        self.program = me["program"]
        token = me["token"]
        if _first_artist[0] and WORLD.get("login"):
            # One artist signs in through the token door, as a client would.
            _first_artist[0] = False
            login = WORLD["login"]
            with self.client.post(
                "/api/v1/auth/token/",
                json={"username": login["username"], "password": login["password"]},
                name="/api/v1/auth/token/",
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    token = response.json()["token"]
                    self.program = login["program"]
                else:
                    response.failure(f"token: {response.status_code}")
        self.headers = {"Authorization": f"Token {token}"}

    @task
    def log_contribution(self):
        body = {
            "program": self.program,
            "kind": random.choice(KINDS),
            "title": f"Load test session {random.randrange(10**6)}",
            "hours_spent": f"{random.randint(1, 16) / 4:.2f}",
            "occurred_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        }
        with self.client.post(
            "/api/v1/me/contributions/",
            json=body,
            headers=self.headers,
            name="POST /api/v1/me/contributions/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                ACKNOWLEDGED.append(response.json()["id"])
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Advocate(FastHttpUser):
    """An advocate reading the public pages."""

    weight = 3
    wait_time = between(*WAIT)

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(2)
    def program_page(self):
        self.client.get(f"/programs/{random.choice(PROGRAMS)}/", name="/programs/[slug]/")

    @task(1)
    def flags(self):
        self.client.get("/flags/", name="/flags/")


class StatsClient(FastHttpUser):
    """An API client pulling the aggregate statistics."""

    weight = 2
    wait_time = between(*WAIT)

    @task
    def summary(self):
        self.client.get("/api/v1/stats/summary/", name="/api/v1/stats/summary/")

    @task
    def programs(self):
        self.client.get("/api/v1/stats/programs/", name="/api/v1/stats/programs/")
