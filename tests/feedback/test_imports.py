"""The CSV import core (feedback.imports): every row checked with the services' rules,
every problem reported by file and line, and all rows written or none."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from feedback import imports
from feedback.imports import CsvFile, ImportFailed, ImportRefused, import_ledger, preview_import
from feedback.models import Compensation, CompensationAllocation, Contribution
from tests import factories

CONTRIBUTIONS_HEADER = "program,kind,title,hours_spent,occurred_on,requested_by_program,description,ref"
COMPENSATIONS_HEADER = "program,kind,amount,paid_on,note,pays_for"


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def csv_file(name: str, *lines: str) -> CsvFile:
    return CsvFile(name, ("\n".join(lines) + "\n").encode())


def contributions_csv(*rows: str, header: str = CONTRIBUTIONS_HEADER) -> CsvFile:
    return csv_file("contributions.csv", header, *rows)


def compensations_csv(*rows: str, header: str = COMPENSATIONS_HEADER) -> CsvFile:
    return csv_file("compensations.csv", header, *rows)


def stored() -> tuple[int, int, int]:
    return Contribution.objects.count(), Compensation.objects.count(), CompensationAllocation.objects.count()


def refused(artist, **files) -> list[str]:
    """Import files that must be refused; return the problems as 'file:line: reason'."""
    before = stored()
    with pytest.raises(ImportRefused) as exc:
        import_ledger(artist=artist, **files)
    assert stored() == before
    return [str(error) for error in exc.value.errors]


@pytest.fixture
def enrollment(db):
    program = factories.ProgramFactory(slug="video-preview", name="Video Preview")
    return factories.EnrollmentFactory(program=program)


@pytest.fixture
def artist(enrollment):
    return enrollment.artist


def good_row(**overrides) -> str:
    values = {
        "program": "video-preview",
        "kind": "feedback_session",
        "title": "Weekly call",
        "hours_spent": "2",
        "occurred_on": days_ago(10),
        "requested_by_program": "no",
        "description": "",
        "ref": "",
    } | overrides
    return ",".join(values.values())


def good_payment(**overrides) -> str:
    values = {
        "program": "video-preview",
        "kind": "cash",
        "amount": "100",
        "paid_on": days_ago(1),
        "note": "",
        "pays_for": "",
    } | overrides
    return ",".join(values.values())


# Good files


def test_good_files_import_every_row_with_exact_values_and_split_by_hours(artist, enrollment):
    earlier = factories.ContributionFactory(enrollment=enrollment, hours_spent=Decimal("4.00"))
    contributions = contributions_csv(
        good_row(title="Camera tests", hours_spent="1.25", occurred_on=days_ago(30), ref="call-1"),
        good_row(kind="promotion", title="Launch thread", hours_spent="3.75", requested_by_program="yes", ref="P1"),
        good_row(kind="Bug report", title="Crash on upload", hours_spent="0.5", description='"Crash, then hang"'),
    )
    compensations = compensations_csv(
        good_payment(amount="100.00", note="March invoice", pays_for="call-1; p1"),
        good_payment(kind="credits", amount="50", pays_for=str(earlier.pk)),
        good_payment(kind="free_access", amount="0"),
    )

    preview = import_ledger(artist=artist, contributions=contributions, compensations=compensations)

    assert preview.is_valid
    assert stored() == (4, 3, 3)
    camera = Contribution.objects.get(title="Camera tests")
    assert camera.hours_spent == Decimal("1.25")
    assert camera.occurred_on == timezone.localdate() - dt.timedelta(days=30)
    assert camera.enrollment == enrollment
    assert camera.requested_by_program is False
    launch = Contribution.objects.get(title="Launch thread")
    assert (launch.kind, launch.requested_by_program) == ("promotion", True)
    crash = Contribution.objects.get(title="Crash on upload")
    assert (crash.kind, crash.description, crash.hours_spent) == ("bug_report", "Crash, then hang", Decimal("0.50"))

    cash = Compensation.objects.get(kind="cash")
    assert (cash.amount, cash.note, cash.enrollment) == (Decimal("100.00"), "March invoice", enrollment)
    assert dict(cash.allocations.values_list("contribution_id", "amount")) == {
        camera.pk: Decimal("25.00"),
        launch.pk: Decimal("75.00"),
    }
    credits = Compensation.objects.get(kind="credits")
    assert dict(credits.allocations.values_list("contribution_id", "amount")) == {earlier.pk: Decimal("50.00")}
    assert not Compensation.objects.get(kind="free_access").allocations.exists()


def test_split_leaves_no_cent_behind(artist):
    contributions = contributions_csv(*(good_row(hours_spent="1", ref=f"r{n}") for n in range(3)))
    compensations = compensations_csv(good_payment(amount="100", pays_for="r0;r1;r2"))

    import_ledger(artist=artist, contributions=contributions, compensations=compensations)

    parts = sorted(CompensationAllocation.objects.values_list("amount", flat=True))
    assert parts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_preview_writes_nothing_and_totals_each_program(artist):
    other = factories.EnrollmentFactory(artist=artist, program=factories.ProgramFactory(slug="image-lab"))
    contributions = contributions_csv(
        good_row(hours_spent="1.5"), good_row(hours_spent="2"), good_row(program="image-lab", hours_spent="3")
    )
    compensations = compensations_csv(good_payment(amount="80.50"), good_payment(program="image-lab", amount="10"))

    preview = preview_import(artist=artist, contributions=contributions, compensations=compensations)

    assert stored() == (0, 0, 0)
    totals = {t.program.slug: (t.contributions, t.hours, t.compensations, t.amount) for t in preview.totals}
    assert totals == {
        "video-preview": (2, Decimal("3.5"), 1, Decimal("80.50")),
        "image-lab": (1, Decimal("3"), 1, Decimal("10")),
    }
    assert other.program.slug in totals


def test_compensations_alone_can_pay_for_existing_contributions(artist, enrollment):
    first = factories.ContributionFactory(enrollment=enrollment, hours_spent=Decimal("1"))
    second = factories.ContributionFactory(enrollment=enrollment, hours_spent=Decimal("3"))

    import_ledger(artist=artist, compensations=compensations_csv(good_payment(pays_for=f"{first.pk};{second.pk}")))

    assert dict(CompensationAllocation.objects.values_list("contribution_id", "amount")) == {
        first.pk: Decimal("25.00"),
        second.pk: Decimal("75.00"),
    }


def test_semicolons_a_byte_order_mark_crlf_and_a_short_header_are_read(artist):
    text = "\ufeffProgram;Kind;Title;Hours spent;occurred_on\r\nvideo-preview;survey;Survey; 1.5 ;" + days_ago(3)
    import_ledger(artist=artist, contributions=CsvFile("ledger.csv", (text + "\r\n").encode("utf-8")))

    survey = Contribution.objects.get()
    assert (survey.kind, survey.title, survey.hours_spent, survey.requested_by_program) == (
        "survey",
        "Survey",
        Decimal("1.50"),
        False,
    )


def test_a_short_row_reads_its_missing_cells_as_blank(artist):
    errors = refused(artist, contributions=contributions_csv(good_row(), "video-preview,survey,Survey"))
    assert errors == [
        "contributions.csv:3: hours_spent: Give a number, such as 12.50.",
        "contributions.csv:3: occurred_on: Give a date written YYYY-MM-DD, such as 2025-03-14.",
    ]


def test_blank_rows_are_skipped_but_still_counted_in_line_numbers(artist):
    errors = refused(artist, contributions=contributions_csv(good_row(), "", ",,,,,,,", good_row(hours_spent="0")))
    assert errors == ["contributions.csv:5: hours_spent: Hours spent must be more than 0."]


def test_preview_makes_the_same_few_queries_for_many_rows(artist, enrollment, django_assert_max_num_queries):
    existing = factories.ContributionFactory(enrollment=enrollment)
    contributions = contributions_csv(*(good_row(ref=f"r{n}", program="video-preview") for n in range(200)))
    compensations = compensations_csv(*(good_payment(pays_for=f"r{n};{existing.pk}") for n in range(200)))

    with django_assert_max_num_queries(3):
        preview = preview_import(artist=artist, contributions=contributions, compensations=compensations)
    assert preview.is_valid


def test_the_template_files_import_as_documented(db):
    program = factories.ProgramFactory(slug="sketch-lab", opened_on=dt.date(2025, 1, 1))
    artist = factories.EnrollmentFactory(program=program).artist

    def template(kind: str) -> CsvFile:
        return CsvFile(f"{kind}.csv", imports.template_csv(kind).replace("example-program", "sketch-lab").encode())

    import_ledger(artist=artist, contributions=template("contributions"), compensations=template("compensations"))

    cash = Compensation.objects.get(kind="cash")
    assert sorted(cash.allocations.values_list("contribution__title", "amount")) == [
        ("Launch thread with my clips", Decimal("80.00")),
        ("Weekly feedback call", Decimal("40.00")),
    ]


# One bad row: nothing is imported and the row is named


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (good_row(hours_spent="0"), "hours_spent: Hours spent must be more than 0."),
        (good_row(hours_spent="25"), "hours_spent: Hours spent cannot be more than 24 in one entry."),
        (good_row(hours_spent="-1"), "hours_spent: Hours spent must be more than 0."),
        (good_row(hours_spent="1.234"), "hours_spent: '1.234' has more than 2 decimal places."),
        (good_row(hours_spent='"1,5"'), "Use a dot before the decimals"),
        (good_row(hours_spent="two"), "hours_spent: 'two' is not a number."),
        (good_row(occurred_on=days_ago(-1)), "occurred_on: This date cannot be in the future."),
        (good_row(occurred_on=days_ago(400)), "occurred_on: Video Preview opened on"),
        (good_row(occurred_on="14/03/2025"), "occurred_on: '14/03/2025' is not a date written YYYY-MM-DD"),
        (good_row(occurred_on="2025-02-30"), "occurred_on: '2025-02-30' is not a real date."),
        (good_row(program="no-such-program"), "program: No program has the slug 'no-such-program'."),
        (good_row(kind="meeting"), "kind: 'meeting' is not one of: feedback_session, bug_report"),
        (good_row(title=""), "title: This cannot be blank."),
        (good_row(title="x" * 201), "title: At most 200 characters"),
        (good_row(requested_by_program="maybe"), "requested_by_program: 'maybe' is not yes or no"),
        (good_row(ref="12"), "ref: '12' is only digits"),
        (good_row() + ",surplus", "This row has 9 values but the header names 8 columns."),
    ],
)
def test_one_bad_contribution_row_imports_nothing_and_is_named(artist, row, reason):
    errors = refused(artist, contributions=contributions_csv(good_row(), row, good_row()))

    assert len(errors) == 1
    assert errors[0].startswith("contributions.csv:3: ")
    assert reason in errors[0]


def test_a_program_the_artist_has_not_joined_is_named(artist):
    factories.ProgramFactory(slug="sound-lab", name="Sound Lab")
    errors = refused(artist, contributions=contributions_csv(good_row(), good_row(program="sound-lab")))
    assert errors == [
        "contributions.csv:3: program: You have not joined Sound Lab (sound-lab). Add it to your ledger first, "
        "then import."
    ]


def test_another_artists_program_is_not_the_artists_own(artist):
    factories.EnrollmentFactory(program=factories.ProgramFactory(slug="their-lab"))
    errors = refused(artist, contributions=contributions_csv(good_row(program="their-lab")))
    assert errors[0].startswith("contributions.csv:2: program: You have not joined")


def test_an_enrollment_without_granted_access_is_refused_like_the_service(artist):
    factories.EnrollmentFactory(artist=artist, program=factories.ProgramFactory(slug="invited"), granted_on=None)
    errors = refused(artist, contributions=contributions_csv(good_row(program="invited")))
    assert len(errors) == 1
    assert "was granted first" in errors[0]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (good_payment(amount="-5"), "amount: The amount cannot be negative."),
        (good_payment(amount="ten"), "amount: 'ten' is not a number."),
        (good_payment(amount="$10"), "amount: '$10' is not a number."),
        (good_payment(amount="1.005"), "amount: '1.005' has more than 2 decimal places."),
        (good_payment(amount="12345678901"), "amount: There can be no more than 12 digits in total."),
        (good_payment(amount=""), "amount: Give a number"),
        (good_payment(kind="wage"), "kind: 'wage' is not one of: cash, stipend"),
        (good_payment(paid_on=days_ago(-2)), "paid_on: This date cannot be in the future."),
        (good_payment(pays_for="nope"), "pays_for: No row of contributions.csv has the ref 'nope'."),
        (good_payment(pays_for="a1;A1"), "pays_for: 'A1' is listed twice."),
        (good_payment(pays_for="999999"), "pays_for: You have no contribution with id 999999 in Video Preview."),
        (good_payment(pays_for="99999999999999999999999"), "pays_for: You have no contribution with id"),
        (good_payment(pays_for="9" * 5000), "pays_for: You have no contribution with id"),
    ],
)
def test_one_bad_compensation_row_imports_nothing_and_is_named(artist, row, reason):
    errors = refused(
        artist,
        contributions=contributions_csv(good_row(ref="a1")),
        compensations=compensations_csv(good_payment(pays_for="a1"), row),
    )

    assert len(errors) == 1
    assert errors[0].startswith("compensations.csv:3: ")
    assert reason in errors[0]


def test_pays_for_another_artists_contribution_id_is_refused(artist):
    theirs = factories.ContributionFactory()
    errors = refused(artist, compensations=compensations_csv(good_payment(pays_for=str(theirs.pk))))
    assert errors == [f"compensations.csv:2: pays_for: You have no contribution with id {theirs.pk} in Video Preview."]


def test_pays_for_a_contribution_of_another_program_is_refused(artist, enrollment):
    other = factories.EnrollmentFactory(artist=artist, program=factories.ProgramFactory(slug="image-lab"))
    elsewhere = factories.ContributionFactory(enrollment=other)
    errors = refused(
        artist,
        contributions=contributions_csv(good_row(program="image-lab", ref="img")),
        compensations=compensations_csv(good_payment(pays_for="img"), good_payment(pays_for=str(elsewhere.pk))),
    )
    assert len(errors) == 2
    assert errors[0].startswith("compensations.csv:2: pays_for: 'img' (line 2 of contributions.csv)")
    assert (
        errors[1] == f"compensations.csv:3: pays_for: You have no contribution with id {elsewhere.pk} in Video Preview."
    )


def test_refs_without_a_contributions_file_are_explained(artist):
    errors = refused(artist, compensations=compensations_csv(good_payment(pays_for="call-1")))
    assert "Refs name rows of a contributions file uploaded with this one" in errors[0]


def test_duplicate_refs_are_named_on_the_later_line(artist):
    errors = refused(artist, contributions=contributions_csv(good_row(ref="a"), good_row(), good_row(ref="A")))
    assert errors == ["contributions.csv:4: ref: 'A' is already used on line 2."]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("program,kind,title,occurred_on", "contributions.csv:1: Missing column: hours_spent."),
        ("program,title,occurred_on", "contributions.csv:1: Missing columns: kind, hours_spent."),
        (CONTRIBUTIONS_HEADER + ",colour", "contributions.csv:1: Unknown column 'colour'."),
        ("identifier," + CONTRIBUTIONS_HEADER, "contributions.csv:1: Unknown column 'identifier'."),
        (CONTRIBUTIONS_HEADER + ",title", "contributions.csv:1: The column title appears twice."),
    ],
)
def test_header_problems_are_named_on_line_one(artist, header, reason):
    errors = refused(artist, contributions=contributions_csv(good_row(), header=header))
    assert any(reason in error for error in errors), errors


def test_an_empty_file_is_refused(artist):
    errors = refused(artist, contributions=CsvFile("contributions.csv", b""))
    assert len(errors) == 1
    assert errors[0].startswith("contributions.csv:1: The file is empty.")


def test_a_header_without_rows_is_refused(artist):
    errors = refused(artist, contributions=contributions_csv())
    assert errors == ["contributions.csv:2: There are no rows under the header: nothing to import."]


def test_a_file_that_is_not_utf8_names_the_line(artist):
    content = (CONTRIBUTIONS_HEADER + "\n" + good_row(title="Café") + "\n").encode("latin-1")
    errors = refused(artist, contributions=CsvFile("contributions.csv", content))
    assert len(errors) == 1
    assert errors[0].startswith("contributions.csv:2: This is not UTF-8 text.")


def test_every_bad_row_and_every_problem_is_reported(artist):
    errors = refused(
        artist,
        contributions=contributions_csv(
            good_row(hours_spent="0"),
            good_row(),
            good_row(kind="meeting", occurred_on=days_ago(-1)),
            good_row(program="nowhere"),
        ),
        compensations=compensations_csv(good_payment(amount="-1"), good_payment(pays_for="ghost")),
    )

    assert [error.split(": ")[0] for error in errors] == [
        "contributions.csv:2",
        "contributions.csv:4",
        "contributions.csv:4",
        "contributions.csv:5",
        "compensations.csv:2",
        "compensations.csv:3",
    ]
    assert "kind: 'meeting'" in errors[1]
    assert "occurred_on: This date cannot be in the future." in errors[2]


# All or nothing


def test_a_database_refusal_at_commit_writes_nothing(artist, monkeypatch):
    # A split above the amount stands in for a race: the allocation trigger refuses it.
    monkeypatch.setattr(
        imports.writing, "split_by_hours", lambda amount, contributions: {contributions[0].pk: amount + 1}
    )
    contributions = contributions_csv(good_row(ref="a"), good_row())
    compensations = compensations_csv(good_payment(pays_for="a"))

    with pytest.raises(ImportFailed, match="nothing was written"):
        import_ledger(artist=artist, contributions=contributions, compensations=compensations)
    assert stored() == (0, 0, 0)


def test_a_contribution_deleted_after_the_preview_is_caught_at_commit(artist, enrollment):
    paid_for = factories.ContributionFactory(enrollment=enrollment)
    compensations = compensations_csv(good_payment(pays_for=str(paid_for.pk)))
    assert preview_import(artist=artist, compensations=compensations).is_valid

    paid_for_id = paid_for.pk
    paid_for.delete()

    errors = refused(artist, compensations=compensations)
    assert errors == [
        f"compensations.csv:2: pays_for: You have no contribution with id {paid_for_id} in Video Preview."
    ]


def test_progress_is_reported_up_to_every_record(artist):
    seen = []
    contributions = contributions_csv(*(good_row(ref=f"r{n}") for n in range(3)))
    compensations = compensations_csv(good_payment(pays_for="r0;r1"))
    import_ledger(
        artist=artist,
        contributions=contributions,
        compensations=compensations,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (6, 6)


def test_ten_thousand_rows_import_in_one_go(artist):
    rows = [
        good_row(title=f"Session {n}", hours_spent=f"{1 + n % 8}.25", occurred_on=days_ago(1 + n % 300), ref=f"r{n}")
        for n in range(10_000)
    ]
    payments = [
        good_payment(amount="40", pays_for=";".join(f"r{n}" for n in range(k, k + 10))) for k in range(0, 10_000, 10)
    ]

    started = time.perf_counter()
    import_ledger(artist=artist, contributions=contributions_csv(*rows), compensations=compensations_csv(*payments))
    elapsed = time.perf_counter() - started

    assert stored() == (10_000, 1_000, 10_000)
    assert elapsed < 20


NUL_MESSAGE = "This cell contains a null character (NUL, byte 0), which cannot be stored."


@pytest.mark.parametrize("column", ["program", "kind", "title", "hours_spent", "description", "ref"])
def test_a_null_character_in_any_contribution_cell_is_refused_at_preview_on_its_line(artist, column):
    value = {"program": "video-preview", "kind": "bug_report", "hours_spent": "2"}.get(column, "Call")
    files = {"contributions": contributions_csv(good_row(), good_row(**{column: value + "\x00"}), good_row())}

    preview = preview_import(artist=artist, **files)

    assert [str(error) for error in preview.errors] == [
        f"contributions.csv:3: {column}: {NUL_MESSAGE} "
        "It is often left by a file saved from another program; delete it and upload the file again."
    ]
    assert [row.line for row in preview.contributions] == [2, 4]
    assert stored() == (0, 0, 0)
    # The confirmation refuses it the same way, rather than failing at the database.
    assert refused(artist, **files)[0].startswith(f"contributions.csv:3: {column}: {NUL_MESSAGE}")


@pytest.mark.parametrize("column", ["program", "amount", "note", "pays_for"])
def test_a_null_character_in_a_compensation_cell_is_refused_at_preview(artist, column):
    row = good_payment(**{column: {"amount": "10"}.get(column, "x") + "\x00"})

    preview = preview_import(artist=artist, compensations=compensations_csv(good_payment(), row))

    assert [str(error).split(" (")[0] for error in preview.errors] == [
        f"compensations.csv:3: {column}: This cell contains a null character"
    ]
    assert stored() == (0, 0, 0)


def test_a_lone_surrogate_is_refused_at_preview_with_its_line(artist):
    # The UTF-8 form of U+D800, which no text may hold: what a broken export can leave.
    content = contributions_csv(good_row(), good_row()).content + good_row(title="Call").encode().replace(
        b"Call", b"C\xed\xa0\x80ll"
    )

    preview = preview_import(artist=artist, contributions=CsvFile("contributions.csv", content))

    assert [(error.line, error.message.split(".")[0]) for error in preview.errors] == [(4, "This is not UTF-8 text")]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (good_row(title="x" * 201), "title: At most 200 characters (this has 201)."),
        (good_row(hours_spent="99999999999999999999999999999999"), "hours_spent: Hours spent cannot be more than 24"),
        (good_row(occurred_on="0000-01-01"), "occurred_on: '0000-01-01' is not a real date."),
        (good_row(occurred_on="10000-01-01"), "is not a date written YYYY-MM-DD"),
    ],
)
def test_what_the_database_would_refuse_is_refused_at_preview(artist, row, reason):
    preview = preview_import(artist=artist, contributions=contributions_csv(good_row(), row))

    assert preview.errors and {(error.file, error.line) for error in preview.errors} == {("contributions.csv", 3)}
    assert reason in str(preview.errors[0])
    assert [row.line for row in preview.contributions] == [2]


def test_an_amount_too_large_for_its_column_is_refused_at_preview(artist):
    preview = preview_import(
        artist=artist, compensations=compensations_csv(good_payment(), good_payment(amount="99999999999.9"))
    )

    assert [str(error) for error in preview.errors] == [
        "compensations.csv:3: amount: There can be no more than 12 digits in total."
    ]


def test_the_longest_values_the_columns_hold_preview_and_import(artist):
    files = {
        "contributions": contributions_csv(
            good_row(title="x" * 200, hours_spent="24.00", description="d" * 20000, ref="r" * 100)
        ),
        "compensations": compensations_csv(good_payment(amount="9999999999.99", pays_for="r" * 100)),
    }

    assert preview_import(artist=artist, **files).errors == []
    import_ledger(artist=artist, **files)

    assert stored() == (1, 1, 1)
    assert Contribution.objects.get().title == "x" * 200
    assert Compensation.objects.get().amount == Decimal("9999999999.99")
