import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from artists.models import ApprovalDecision, Work
from artists.services import record_decision
from tests import factories
from tests.programs.test_admin import admin_form_data


def changelist(model: str) -> str:
    return reverse(f"admin:artists_{model}_changelist")


def listed(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.fixture
def decided_work(enrollment):
    work = factories.WorkFactory(enrollment=enrollment, title="Harbour at dusk")
    record_decision(
        work=work,
        outcome=ApprovalDecision.Outcome.REJECTED,
        decided_at=work.submitted_at + dt.timedelta(days=2),
        reason="Off brand",
    )
    work.refresh_from_db()
    return work


@pytest.mark.parametrize("model", ["artist", "work", "approvaldecision"])
def test_every_changelist_and_change_page_shows_its_records(staff_client, decided_work, model):
    record = {
        "artist": decided_work.enrollment.artist,
        "work": decided_work,
        "approvaldecision": decided_work.decisions.get(),
    }[model]

    listing = staff_client.get(changelist(model))
    change = staff_client.get(reverse(f"admin:artists_{model}_change", args=[record.pk]))

    assert listing.status_code == 200
    assert listed(listing) == [record]
    assert change.status_code == 200
    assert str(record) in change.content.decode()


def test_someone_who_is_not_staff_is_sent_to_the_admin_login(client, db):
    client.force_login(factories.UserFactory(is_staff=False))

    response = client.get(changelist("artist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_artist_list_shows_a_public_name_only_to_those_who_opted_in(staff_client, db):
    factories.ArtistFactory(handle="open_artist", public_name="Ada Open", show_public_name=True)
    factories.ArtistFactory(handle="quiet_artist", public_name="Bea Hidden", show_public_name=False)

    page = staff_client.get(changelist("artist")).content.decode()

    assert "Ada Open" in page
    assert "quiet_artist" in page and "Bea Hidden" not in page


def test_artist_list_counts_enrollments_and_searches_by_email(staff_client, db):
    artist = factories.ArtistFactory(user=factories.UserFactory(username="ada", email="ada@studio.test"))
    factories.EnrollmentFactory.create_batch(2, artist=artist)
    factories.ArtistFactory()

    response = staff_client.get(changelist("artist"), {"q": "ada@studio.test"})

    assert listed(response) == [artist]
    assert listed(response)[0].enrollment_count == 2


def test_artist_list_filters_by_country(staff_client, db):
    french = factories.ArtistFactory(country="FR")
    factories.ArtistFactory(country="DE")

    response = staff_client.get(changelist("artist"), {"country": "FR"})

    assert listed(response) == [french]


def test_artist_page_lists_enrollments_without_letting_staff_add_them_there(staff_client, enrollment):
    response = staff_client.get(reverse("admin:artists_artist_change", args=[enrollment.artist.pk]))

    (enrollments,) = response.context["inline_admin_formsets"]
    assert [form.original for form in enrollments] == [enrollment]
    assert not (enrollments.has_add_permission or enrollments.has_change_permission)
    assert enrollment.program.name in response.content.decode()
    assert 'name="enrollments-0-program"' not in response.content.decode()


def test_artist_can_be_added_in_the_admin(staff_client, db):
    add_url = reverse("admin:artists_artist_add")
    page = staff_client.get(add_url)

    response = staff_client.post(add_url, admin_form_data(page, handle="new_artist", country="FR", disciplines=""))

    assert response.status_code == 302
    assert listed(staff_client.get(changelist("artist"), {"q": "new_artist"}))[0].country == "FR"


def test_work_list_filters_by_status_and_searches_by_handle(staff_client, decided_work, program):
    other = factories.EnrollmentFactory(program=program, artist=factories.ArtistFactory(handle="second_artist"))
    pending = factories.WorkFactory(enrollment=other, title="Night swim")

    by_status = staff_client.get(changelist("work"), {"status__exact": "pending"})
    by_handle = staff_client.get(changelist("work"), {"q": decided_work.enrollment.artist.handle})

    assert listed(by_status) == [pending]
    assert listed(by_handle) == [decided_work]


def test_work_page_shows_decisions_read_only_and_keeps_derived_status(staff_client, decided_work):
    change_url = reverse("admin:artists_work_change", args=[decided_work.pk])
    page = staff_client.get(change_url)

    (decisions,) = page.context["inline_admin_formsets"]
    assert [form.original.outcome for form in decisions] == [ApprovalDecision.Outcome.REJECTED]
    assert not (decisions.has_add_permission or decisions.has_change_permission or decisions.has_delete_permission)
    assert "Off brand" in page.content.decode()
    assert 'name="status"' not in page.content.decode()

    submitted_at = timezone.localtime(decided_work.submitted_at)
    staff_client.post(
        change_url,
        admin_form_data(
            page,
            enrollment=decided_work.enrollment.pk,
            title="Harbour at dawn",
            medium="video",
            submitted_at_0=submitted_at.strftime("%Y-%m-%d"),
            submitted_at_1=submitted_at.strftime("%H:%M:%S"),
            status="approved",
        ),
    )

    decided_work.refresh_from_db()
    assert decided_work.title == "Harbour at dawn"
    assert decided_work.status == Work.Status.REJECTED
    assert ApprovalDecision.objects.count() == 1


def test_work_cannot_be_moved_after_its_first_decision(staff_client, decided_work):
    change_url = reverse("admin:artists_work_change", args=[decided_work.pk])
    page = staff_client.get(change_url)
    later = timezone.localtime(decided_work.first_decided_at + dt.timedelta(hours=12))

    response = staff_client.post(
        change_url,
        admin_form_data(
            page,
            enrollment=decided_work.enrollment.pk,
            title=decided_work.title,
            medium="video",
            submitted_at_0=later.strftime("%Y-%m-%d"),
            submitted_at_1=later.strftime("%H:%M:%S"),
        ),
    )

    assert response.status_code == 200
    assert "cannot have been submitted after that" in response.content.decode()
    submitted_at = decided_work.submitted_at
    decided_work.refresh_from_db()
    assert decided_work.submitted_at == submitted_at


def test_approval_decisions_are_view_only(staff_client, decided_work):
    decision = decided_work.decisions.get()
    change_url = reverse("admin:artists_approvaldecision_change", args=[decision.pk])

    assert staff_client.get(reverse("admin:artists_approvaldecision_add")).status_code == 403
    assert staff_client.post(change_url, {"outcome": "approved"}).status_code == 403
    assert staff_client.post(reverse("admin:artists_approvaldecision_delete", args=[decision.pk])).status_code == 403
    decision.refresh_from_db()
    assert decision.outcome == ApprovalDecision.Outcome.REJECTED


def test_work_list_runs_a_fixed_number_of_queries(staff_client, program, django_assert_max_num_queries):
    for enrollment in factories.EnrollmentFactory.create_batch(4, program=program):
        factories.WorkFactory.create_batch(5, enrollment=enrollment)

    with django_assert_max_num_queries(15):
        response = staff_client.get(changelist("work"))

    assert len(listed(response)) == 20
