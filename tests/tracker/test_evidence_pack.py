"""A program's evidence pack: a zip of its CSV, its public findings, its charts, the
methodology and a README, for the period asked."""

import csv
import io
import zipfile

import pytest

from tests.jobs.helpers import log_work, make_program, make_tester, on, pay
from tracker import evidence
from tracker.models import Flag
from tracker.privacy import METHODOLOGY_VERSION

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(arithmetic_only):
    program = make_program(slug="packed", name="Packed Preview")
    for hours in ("2.00", "3.50"):
        tester = make_tester(program)
        contribution = log_work(tester, on("2026-03-02"), hours=hours)
        pay(tester, [contribution], on("2026-03-20"), amount="40.00")
    Flag.objects.create(
        program=program,
        kind="undefined_terms",
        severity="medium",
        subject_key="terms:packed",
        message="The program does not define “responsible use”.",
    )
    return program


def pack(client, slug: str, **query) -> zipfile.ZipFile:
    response = client.get(f"/programs/{slug}/evidence-pack.zip", query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_pack_holds_every_part_by_name(client, world):
    names = set(pack(client, "packed").namelist())

    assert {
        "README.txt",
        "program-packed.csv",
        "findings-packed.csv",
        "methodology.md",
        "charts/hours.svg",
        "charts/kinds.svg",
    } <= names


def test_its_csv_is_the_program_pages_csv(client, world):
    page_csv = client.get("/programs/packed/", {"format": "csv"}).content

    assert pack(client, "packed").read("program-packed.csv") == page_csv


def test_the_period_is_the_program_pages(client, world):
    zipped = pack(client, "packed", period="2026-03")
    page_csv = client.get("/programs/packed/", {"format": "csv", "period": "2026-03"}).content

    assert zipped.read("program-packed.csv") == page_csv
    assert b"period,2026-03" in page_csv
    assert "Period: 2026-03" in zipped.read("README.txt").decode()
    response = client.get("/programs/packed/evidence-pack.zip", {"period": "2026-03"})
    assert 'filename="evidence-pack-packed-2026-03.zip"' in response["Content-Disposition"]


@pytest.mark.parametrize("query", [{"period": "last-week"}, {"since": "2026-03-01"}, {"period": "2026-13"}])
def test_a_bad_period_is_refused(client, world, query):
    response = client.get("/programs/packed/evidence-pack.zip", query)

    assert response.status_code == 400
    assert "period" in response.content.decode()


def test_an_unlisted_program_has_no_pack(client, db):
    make_program(slug="hidden", is_listed=False)

    assert client.get("/programs/hidden/evidence-pack.zip").status_code == 404


def test_the_charts_are_svg(client, world):
    zipped = pack(client, "packed")

    charts = [name for name in zipped.namelist() if name.startswith("charts/")]
    assert charts
    for name in charts:
        text = zipped.read(name).decode()
        assert name.endswith(".svg") and text.lstrip().startswith("<svg") and text.rstrip().endswith("</svg>")
        assert "<script" not in text


def test_the_readme_names_program_period_time_and_methodology(client, world):
    readme = pack(client, "packed").read("README.txt").decode()

    assert "Program: Packed Preview (packed)" in readme
    assert "Period: all (all time)" in readme
    assert "As of: 20" in readme
    assert f"Methodology version: {METHODOLOGY_VERSION}" in readme
    assert "- findings-packed.csv" in readme


def test_the_methodology_is_the_apps_own_documents(client, world, settings):
    methodology = pack(client, "packed").read("methodology.md").decode()

    for document in ("metrics.md", "privacy.md"):
        first_line = (settings.BASE_DIR / "docs" / document).read_text(encoding="utf-8").splitlines()[0]
        assert first_line in methodology


def test_the_findings_are_the_feeds(client, world):
    rows = list(csv.DictReader(io.StringIO(pack(client, "packed").read("findings-packed.csv").decode())))

    assert [(row["kind"], row["state"], row["message"]) for row in rows] == [
        ("undefined_terms", "open", "The program does not define “responsible use”.")
    ]


def test_optional_parts_have_their_place(client, world, monkeypatch):
    # Where the generated headlines and the replies will go once they exist.
    monkeypatch.setattr(evidence, "OPTIONAL_PARTS", [])
    evidence.add_part(lambda program, period: [("headlines.md", f"# {program.name}\n".encode())])

    zipped = pack(client, "packed")

    assert zipped.read("headlines.md") == b"# Packed Preview\n"
    assert "- headlines.md" in zipped.read("README.txt").decode()


def test_the_program_page_links_to_the_pack(client, world):
    page = client.get("/programs/packed/", {"period": "2026-03"}).content.decode()

    assert 'href="/programs/packed/evidence-pack.zip?period=2026-03" download>Download the evidence pack' in page


def test_the_pack_holds_the_pages_headlines_and_the_organizations_replies(client, world, django_user_model):
    from programs.models import Representative
    from tracker.services_replies import hide_reply, post_reply

    speaker = django_user_model.objects.create_user("packed-speaker", password="a long enough password 1")
    staff = django_user_model.objects.create_user("packed-staff", password="a long enough password 1", is_staff=True)
    Representative.objects.create(user=speaker, organization=world.organization)
    post_reply(program=world, author=speaker, body="We pay every tester within 30 days.")
    rude = post_reply(program=world, author=speaker, body="Something abusive")
    hide_reply(reply=rude, staff=staff, reason="Abusive language")
    page = client.get("/programs/packed/")

    zipped = pack(client, "packed")

    headlines = zipped.read("headlines.txt").decode().splitlines()
    assert headlines == page.context["headlines"]
    assert headlines  # the program's figures are published
    replies = list(csv.DictReader(io.StringIO(zipped.read("replies-packed.csv").decode())))
    assert [(r["answers"], r["state"], r["text"]) for r in replies] == [
        ("figures", "shown", "We pay every tester within 30 days."),
        ("figures", "hidden by staff", "Hidden by staff: Abusive language"),
    ]
    everything = b"".join(zipped.read(name) for name in zipped.namelist())
    assert b"Something abusive" not in everything
    assert b"packed-speaker" not in everything and b"packed-staff" not in everything
