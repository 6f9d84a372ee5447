"""Attacks through the advocate's doors by the one adversary that matters: the program itself.

It knows its testers and the hours of what it asked for, can open an account to follow its
own program, and can download its evidence pack as often as it likes. The pack must hold no
figure the program page withholds, and the Following page's "since your last visit" must
never show a withheld value, not even as the old or new side of a change: a figure that
becomes withheld or published says so without the hidden number.
"""

import csv
import io
import re
import zipfile

import pytest

from programs.models import Enrollment
from tests import factories
from tests.jobs.helpers import log_work, make_program, make_testers, on, pay
from tracker.models import Flag, Follow

pytestmark = pytest.mark.django_db

FLOOR = 5
# Hours only the program and one artist know.
SECRET_HOURS = "7.25"


@pytest.fixture(autouse=True)
def floor(settings):
    settings.MIN_GROUP_SIZE = FLOOR


def pack_files(client, slug: str) -> dict[str, str]:
    response = client.get(f"/programs/{slug}/evidence-pack.zip")
    assert response.status_code == 200
    zipped = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: zipped.read(name).decode() for name in zipped.namelist()}


def csv_values(text: str) -> dict[str, str]:
    return {row[0]: row[1] for row in csv.reader(io.StringIO(text)) if len(row) > 1}


def one_artists_work_among_many(slug: str):
    """Nine verified testers: eight only got free access, one logged SECRET_HOURS and was
    asked for a promotion, left unpaid. The program is shown; the hours are not."""
    program = make_program(slug=slug)
    testers = make_testers(program, 9)
    for tester in testers[:8]:
        pay(tester, [], on("2026-03-21"), kind="free_access", amount="10.00")
    log_work(testers[8], on("2026-03-21"), hours=SECRET_HOURS)
    Flag.objects.create(
        program=program,
        artist=testers[8].artist,
        kind="uncompensated_promotion",
        severity="high",
        subject_key="contribution:secret",
        message=f"Promotion the program requested on 2026-03-21 ({SECRET_HOURS} h) is unpaid.",
        details={"hours": float(SECRET_HOURS), "occurred_on": "2026-03-21"},
        occurred_on=on("2026-03-21"),
        due_on=on("2026-04-20"),
    )
    return program


def test_the_pack_of_a_program_with_withheld_figures_holds_none_of_them(client):
    program = one_artists_work_among_many("one-of-nine")
    page_csv = csv_values(client.get(f"/programs/{program.slug}/", {"format": "csv"}).content.decode())
    page = client.get(f"/programs/{program.slug}/").content.decode()

    files = pack_files(client, program.slug)
    packed = csv_values(files[f"program-{program.slug}.csv"])

    assert packed == page_csv
    withheld = page_csv["withheld"].split("; ")
    assert "hours" in withheld and "contributions" in withheld
    for figure in withheld:
        cells = [value for field, value in packed.items() if field == figure or field.startswith(f"{figure}.")]
        assert cells and all(value == "" for value in cells), figure
    # The artist's hours, date and the finding's words are nowhere but in the methodology
    # (which names no record).
    for name, text in files.items():
        if name == "methodology.md":
            continue
        assert SECRET_HOURS not in text and "7.2" not in text, name
        assert "2026-03-21" not in text and "contribution:secret" not in text, name
    findings = list(csv.DictReader(io.StringIO(files[f"findings-{program.slug}.csv"])))
    assert [(row["kind"], row["month"], row["withheld"], row["hours"], row["artists"]) for row in findings] == [
        ("uncompensated_promotion", "2026-04", "true", "", "")
    ]
    assert SECRET_HOURS not in page


def test_the_pack_of_a_hidden_program_has_no_figures_and_no_charts(client):
    program = make_program(slug="two-testers")
    for tester in make_testers(program, 2):
        log_work(tester, on("2026-03-02"), hours=SECRET_HOURS)

    files = pack_files(client, program.slug)
    values = csv_values(files["program-two-testers.csv"])

    assert values["suppressed"] == "true"
    assert not any(name.startswith("charts/") for name in files)
    assert values["hours"] == values["contributions"] == values["artists"] == ""
    assert all(SECRET_HOURS not in text and "14.5" not in text for name, text in files.items())
    assert "Figures hidden:" in files["README.txt"]


def card(client, slug: str) -> str:
    page = client.get("/following/").content.decode()
    match = re.search(rf'<li class="followed" id="follow-{slug}">(.*?)</form>\s*</li>', page, re.S)
    assert match
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def set_verified(enrollment: Enrollment, verified: bool) -> None:
    factories.set_verification(
        enrollment, Enrollment.Verification.VERIFIED if verified else Enrollment.Verification.PENDING
    )


def test_a_figure_that_becomes_withheld_or_published_never_shows_the_hidden_value(client):
    # Nine verified testers keep the program shown; five of them log 2.5 h each, so the
    # hours are published (12.5 h). One of the five loses verification: the hours of the
    # four (10 h) are withheld, then published again when it comes back.
    program = make_program(slug="flicker")
    testers = make_testers(program, 9)
    for tester in testers[5:]:
        pay(tester, [], on("2026-03-21"), kind="free_access", amount="10.00")
    for tester in testers[:5]:
        log_work(tester, on("2026-03-02"), hours="2.50")
    advocate = factories.UserFactory(username="the-program-itself")
    client.force_login(advocate)
    record = Follow.objects.create(user=advocate, program=program)

    assert "12.5 h" in card(client, "flicker")

    set_verified(testers[0], False)
    withheld = card(client, "flicker")
    page = client.get("/programs/flicker/").content.decode()
    assert "Hours given: now withheld" in withheld
    assert "10 h" not in withheld and "10 h" not in page
    assert "12.5" not in withheld.split("Since your last visit")[1]
    record.refresh_from_db()
    assert "hours" not in record.seen_figures["figures"] and "hours" in record.seen_figures["withheld"]
    assert "10" not in str(record.seen_figures["figures"])

    # Still withheld: nothing to say about it, whatever it is now.
    log_work(testers[1], on("2026-03-09"), hours="1.00")
    assert "Hours given" not in card(client, "flicker").split("Since your last visit")[1]

    set_verified(testers[0], True)
    published = card(client, "flicker")
    assert "Hours given: now published (13.5 h)" in published
    assert "→" not in published
