"""The import pages under /me/import/: upload → preview (nothing written) → confirm → written."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feedback import imports
from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.views_import import SESSION_KEY
from tests import factories

DAY = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
CONTRIBUTIONS = (
    "program,kind,title,hours_spent,occurred_on,ref\n"
    f"video-preview,feedback_session,Weekly call,1.5,{DAY},call\n"
    f"video-preview,promotion,Launch thread,4.5,{DAY},promo\n"
)
COMPENSATIONS = f"program,kind,amount,paid_on,pays_for\nvideo-preview,cash,60.00,{DAY},call;promo\n"


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def stored() -> tuple[int, int, int]:
    return Contribution.objects.count(), Compensation.objects.count(), CompensationAllocation.objects.count()


def token_in(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def artist(db):
    program = factories.ProgramFactory(slug="video-preview", name="Video Preview")
    return factories.EnrollmentFactory(program=program).artist


@pytest.fixture
def artist_client(client, artist):
    client.force_login(artist.user)
    return client


def test_upload_preview_then_confirm_writes_everything(artist_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = artist_client.post(
            reverse("import"),
            {
                "contributions": upload("my-hours.csv", CONTRIBUTIONS),
                "compensations": upload("paid.csv", COMPENSATIONS),
            },
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Check before importing" in page
    assert "Import 2 contributions and 1 compensation" in page
    assert "Weekly call" in page and "60.00 USD" in page
    assert stored() == (0, 0, 0)

    response = artist_client.post(reverse("import-confirm"), {"token": token_in(response)})

    assert response.status_code == 302
    assert response.url == reverse("ledger") == "/me/"
    assert stored() == (2, 1, 2)
    assert sorted(CompensationAllocation.objects.values_list("amount", flat=True)) == [
        Decimal("15.00"),
        Decimal("45.00"),
    ]
    message = [str(m) for m in artist_client.get(response.url).context["messages"]]
    assert message == ["Imported 2 contributions and 1 compensation."]
    assert SESSION_KEY not in artist_client.session


def test_confirming_twice_imports_once(artist_client):
    response = artist_client.post(reverse("import"), {"contributions": upload("c.csv", CONTRIBUTIONS)})
    token = token_in(response)

    artist_client.post(reverse("import-confirm"), {"token": token})
    again = artist_client.post(reverse("import-confirm"), {"token": token})

    assert again.status_code == 302 and again.url == reverse("import")
    assert stored() == (2, 0, 0)


def test_preview_with_errors_lists_them_and_offers_no_confirm_button(artist_client):
    bad = (
        "program,kind,title,hours_spent,occurred_on\n"
        f"video-preview,feedback_session,Call,0,{DAY}\n"
        f"video-preview,feedback_session,Call,2,{DAY}\n"
        f"elsewhere,feedback_session,Call,25,{DAY}\n"
    )
    response = artist_client.post(reverse("import"), {"contributions": upload("hours.csv", bad)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "3 problems stop the import" in page
    assert "Hours spent must be more than 0." in page
    assert "Hours spent cannot be more than 24 in one entry." in page
    assert "No program has the slug &#x27;elsewhere&#x27;." in page
    assert re.findall(r"<td>hours.csv</td><td class=\"num\">(\d+)</td>", page) == ["2", "4", "4"]
    assert 'name="token"' not in page
    assert reverse("import-confirm") not in page
    assert SESSION_KEY not in artist_client.session
    assert stored() == (0, 0, 0)


def test_a_file_over_the_limit_is_refused_with_a_form_error(artist_client):
    header, row = CONTRIBUTIONS.splitlines()[:2]
    big = header + "\n" + (row + "\n") * (imports.MAX_FILE_BYTES // len(row) + 1)
    response = artist_client.post(reverse("import"), {"contributions": upload("big.csv", big)})

    assert response.status_code == 200
    [error] = response.context["form"].errors["contributions"]
    assert re.fullmatch(r"This file is 5\.\d MB; the limit is 5 MB\. Split it into smaller files .*", error)
    assert SESSION_KEY not in artist_client.session


def test_the_form_asks_for_at_least_one_file(artist_client):
    response = artist_client.post(reverse("import"), {})
    assert "Choose a contributions file, a compensations file, or both." in response.content.decode()


def test_another_users_token_cannot_be_committed(client, artist_client, artist):
    response = artist_client.post(reverse("import"), {"contributions": upload("c.csv", CONTRIBUTIONS)})
    token = token_in(response)
    intruder = factories.EnrollmentFactory(program=artist.enrollments.get().program).artist
    client.force_login(intruder.user)

    response = client.post(reverse("import-confirm"), {"token": token})

    assert response.status_code == 302 and response.url == reverse("import")
    assert stored() == (0, 0, 0)


def test_a_wrong_token_commits_nothing(artist_client):
    artist_client.post(reverse("import"), {"contributions": upload("c.csv", CONTRIBUTIONS)})
    artist_client.post(reverse("import-confirm"), {"token": "guessed"})
    assert stored() == (0, 0, 0)


def test_rows_that_went_wrong_since_the_preview_are_shown_at_confirm(artist_client, artist):
    response = artist_client.post(reverse("import"), {"contributions": upload("c.csv", CONTRIBUTIONS)})
    program = artist.enrollments.get().program
    program.opened_on = timezone.localdate()
    program.save()

    response = artist_client.post(reverse("import-confirm"), {"token": token_in(response)})

    assert response.status_code == 200
    assert "Video Preview opened on" in response.content.decode()
    assert stored() == (0, 0, 0)


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (reverse("import"), reverse("import-confirm")):
        response = client.post(url) if url.endswith("confirm/") else client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_user_without_an_artist_profile_gets_an_explanation(client, db):
    client.force_login(factories.UserFactory(username="advocate"))
    response = client.get(reverse("import"))
    assert response.status_code == 403
    assert "This page is for artists" in response.content.decode()


def test_the_upload_page_links_both_templates(artist_client):
    page = artist_client.get(reverse("import")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert reverse("import-template", args=["contributions"]) == "/me/import/template/contributions.csv"
    assert "/me/import/template/contributions.csv" in page and "/me/import/template/compensations.csv" in page
    assert "<code>video-preview</code> Video Preview" in page


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        (
            "contributions",
            [
                "program",
                "kind",
                "title",
                "hours_spent",
                "occurred_on",
                "requested_by_program",
                "description",
                "ref",
            ],
        ),
        ("compensations", ["program", "kind", "amount", "paid_on", "note", "pays_for"]),
    ],
)
def test_templates_download_with_the_documented_header(client, db, kind, header):
    response = client.get(f"/me/import/template/{kind}.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{kind}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == header
    # The example rows are the documented ones, in the documented columns.
    assert rows == [{column: row.get(column, "") for column in header} for row in imports.TEMPLATE_ROWS[kind]]


def test_the_template_examples_import_cleanly_once_the_program_is_yours(client, db):
    """A template filled in only with the artist's own program slug is a valid import."""
    program = factories.ProgramFactory(slug="example-program", opened_on=dt.date(2025, 1, 1))
    enrollment = factories.EnrollmentFactory(program=program, granted_on=dt.date(2025, 1, 1))
    files = {
        kind: imports.CsvFile(f"{kind}.csv", client.get(f"/me/import/template/{kind}.csv").content)
        for kind in ("contributions", "compensations")
    }

    preview = imports.preview_import(artist=enrollment.artist, **files)

    assert preview.errors == []
    assert len(preview.contributions) == len(imports.TEMPLATE_ROWS["contributions"])
    assert len(preview.compensations) == len(imports.TEMPLATE_ROWS["compensations"])


def test_an_unknown_template_is_not_found(client, db):
    assert client.get("/me/import/template/works.csv").status_code == 404


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        (
            f"video-preview,feedback_session,Call\x00,2,{DAY}\n",
            "title: This cell contains a null character (NUL, byte 0), which cannot be stored.",
        ),
        (f"video-preview,feedback_session,{'x' * 201},2,{DAY}\n", "title: At most 200 characters (this has 201)."),
    ],
)
def test_a_cell_the_database_would_refuse_is_refused_at_preview_with_its_line(artist_client, bad_row, problem):
    text = (
        "program,kind,title,hours_spent,occurred_on\n"
        f"video-preview,feedback_session,Call,2,{DAY}\n" + bad_row + f"video-preview,bug_report,Crash,1,{DAY}\n"
    )
    response = artist_client.post(reverse("import"), {"contributions": upload("hours.csv", text)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 problem stops the import" in page
    assert re.findall(r"<td>hours.csv</td><td class=\"num\">(\d+)</td><td>([^<]*)</td>", page)[0][0] == "3"
    assert problem in page
    assert 'name="token"' not in page and reverse("import-confirm") not in page
    assert SESSION_KEY not in artist_client.session
    assert stored() == (0, 0, 0)

    fixed = text.replace(bad_row, f"video-preview,feedback_session,Call,2,{DAY}\n")
    response = artist_client.post(reverse("import"), {"contributions": upload("hours.csv", fixed)})
    assert "Import 3 contributions" in response.content.decode()
    response = artist_client.post(reverse("import-confirm"), {"token": token_in(response)})
    assert response.status_code == 302 and stored() == (3, 0, 0)
