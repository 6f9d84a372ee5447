"""`manage.py import_ledger`: the same import as the web pages, from files on disk."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from feedback.models import Compensation, CompensationAllocation, Contribution
from tests import factories

DAY = (timezone.localdate() - dt.timedelta(days=5)).isoformat()


@pytest.fixture
def artist(db):
    program = factories.ProgramFactory(slug="video-preview", name="Video Preview")
    return factories.EnrollmentFactory(program=program, artist=factories.ArtistFactory(handle="mira")).artist


@pytest.fixture
def files(tmp_path):
    contributions = tmp_path / "contributions.csv"
    contributions.write_text(
        "program,kind,title,hours_spent,occurred_on,ref\n"
        f"video-preview,feedback_session,Weekly call,1,{DAY},call\n"
        f"video-preview,bug_report,Crash,3,{DAY},crash\n"
    )
    compensations = tmp_path / "compensations.csv"
    compensations.write_text(f"program,kind,amount,paid_on,pays_for\nvideo-preview,stipend,80,{DAY},call;crash\n")
    return contributions, compensations


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_ledger", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored() -> tuple[int, int, int]:
    return Contribution.objects.count(), Compensation.objects.count(), CompensationAllocation.objects.count()


def test_import_writes_every_row_and_prints_a_summary(artist, files):
    contributions, compensations = files
    out, _ = run("--artist", "Mira", "--contributions", contributions, "--compensations", compensations)

    assert stored() == (2, 1, 2)
    assert sorted(CompensationAllocation.objects.values_list("amount", flat=True)) == [
        Decimal("20.00"),
        Decimal("60.00"),
    ]
    assert "Imported for mira: 2 contributions, 1 compensation, 2 allocations." in out
    assert "video-preview" in out and "4.00 hours" in out and "80.00 USD" in out


def test_dry_run_writes_nothing(artist, files):
    contributions, compensations = files
    out, _ = run("--artist", "mira", "--contributions", contributions, "--compensations", compensations, "--dry-run")

    assert stored() == (0, 0, 0)
    assert "Dry run, nothing written. Would import: 2 contributions, 1 compensation" in out


def test_a_bad_file_lists_every_problem_by_line_and_writes_nothing(artist, tmp_path):
    bad = tmp_path / "hours.csv"
    bad.write_text(
        "program,kind,title,hours_spent,occurred_on\n"
        f"video-preview,feedback_session,Call,0,{DAY}\n"
        f"video-preview,feedback_session,Call,2,{DAY}\n"
        f"video-preview,meeting,Call,2,{DAY}\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="2 problems in the files; nothing was imported."):
        call_command("import_ledger", "--artist", "mira", "--contributions", bad, "--no-progress", stderr=err)

    assert err.getvalue().splitlines() == [
        f"{bad}:2: hours_spent: Hours spent must be more than 0.",
        f"{bad}:4: kind: 'meeting' is not one of: feedback_session, bug_report, survey, exploration, promotion, "
        "showcase_event, interview, other.",
    ]
    assert stored() == (0, 0, 0)


def test_an_unknown_artist_or_missing_file_is_an_error(artist, files, tmp_path):
    contributions, _ = files
    with pytest.raises(CommandError, match="No artist has the handle 'nobody'"):
        run("--artist", "nobody", "--contributions", contributions)
    with pytest.raises(CommandError, match="Cannot read"):
        run("--artist", "mira", "--contributions", tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="Give --contributions FILE, --compensations FILE, or both."):
        run("--artist", "mira")


def test_a_null_character_is_refused_with_its_line_before_anything_is_written(artist, tmp_path):
    bad = tmp_path / "hours.csv"
    bad.write_bytes(
        (
            "program,kind,title,hours_spent,occurred_on\n"
            f"video-preview,feedback_session,Call,2,{DAY}\n"
            f"video-preview,feedback_session,Ca\x00ll,2,{DAY}\n"
        ).encode()
    )
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem in the files; nothing was imported."):
        call_command("import_ledger", "--artist", "mira", "--contributions", bad, "--no-progress", stderr=err)

    assert err.getvalue().startswith(f"{bad}:3: title: This cell contains a null character")
    assert stored() == (0, 0, 0)
