"""The program page's list of findings about the program ("About the program, the most
severe first"): each row a distinct program-level finding, never one of the many findings
about one artist's record (those are public only as monthly aggregates, docs/privacy.md)."""

import datetime as dt
import re

import pytest

from programs.services import reinstate_access, revoke_many
from tests.jobs.helpers import at, log_work, make_program, make_testers
from tracker.models import Flag
from tracker.selectors import PROGRAM_KINDS
from tracker.services import run_scan

pytestmark = pytest.mark.django_db


def newest_rows(page: str) -> list[str]:
    listing = re.search(r'<ul class="newest-flags">(.*?)</ul>', page, re.S)
    assert listing, "the page lists findings about the program"
    return [re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<li>(.*?)</li>", listing.group(1), re.S)]


def test_the_newest_list_shows_each_program_finding_once_and_no_artist_finding(client, settings):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(slug="two-waves", confidential_content_definition="")
    testers = make_testers(program, 12)
    # Many unpaid sessions: dozens of artist-level findings, with messages alike.
    for enrollment in testers:
        for day in (2, 3, 4):
            log_work(enrollment, dt.date(2026, 2, day))
    # Two mass revocations, weeks apart: two program-level findings of one kind.
    revoke_many(enrollments=testers[:10], occurred_at=at("2026-04-06", "09:00"))
    for enrollment in testers[:10]:
        reinstate_access(enrollment=enrollment, occurred_at=at("2026-04-20", "09:00"), reason="Back.")
    revoke_many(enrollments=testers[:10], occurred_at=at("2026-05-06", "09:00"))
    run_scan()

    program_level = Flag.objects.filter(program=program, kind__in=PROGRAM_KINDS, resolved_at__isnull=True)
    artist_level = Flag.objects.filter(program=program).exclude(kind__in=PROGRAM_KINDS)
    assert program_level.count() == 3 and artist_level.count() > 30

    rows = newest_rows(client.get("/programs/two-waves/").content.decode())

    assert len(rows) == len(set(rows)) == 3, rows
    assert [row.split("</span> ")[1].split(":")[0] for row in rows] == [
        "Mass revocation",
        "Mass revocation",
        "Undefined terms",
    ]
    for flag in artist_level:
        assert not any(flag.message in row for row in rows), f"{flag.kind} listed one by one"
