import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.models import AccessEvent, Enrollment, Organization, Program
from tests import factories

Kind = AccessEvent.Kind


def admin_form_data(response, **fields) -> dict:
    """POST data for an admin add or change page: its inlines' management forms plus `fields`."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
    data.update(fields)
    return data


def changelist(model: str) -> str:
    return reverse(f"admin:programs_{model}_changelist")


def listed(response) -> list:
    return list(response.context["cl"].result_list)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_someone_who_is_not_staff_is_sent_to_the_admin_login(client, db):
    client.force_login(factories.UserFactory(is_staff=False))

    response = client.get(changelist("program"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", ["organization", "program", "enrollment", "accessevent"])
def test_every_changelist_and_change_page_shows_its_records(staff_client, enrollment, model):
    record = {
        "organization": enrollment.program.organization,
        "program": enrollment.program,
        "enrollment": enrollment,
        "accessevent": enrollment.access_events.get(),
    }[model]

    listing = staff_client.get(changelist(model))
    change = staff_client.get(reverse(f"admin:programs_{model}_change", args=[record.pk]))

    assert listing.status_code == 200
    assert listed(listing) == [record]
    assert change.status_code == 200
    assert str(record) in change.content.decode()


@pytest.mark.parametrize("model", ["organization", "program", "enrollment"])
def test_add_pages_load(staff_client, model):
    response = staff_client.get(reverse(f"admin:programs_{model}_add"))

    assert response.status_code == 200


def test_organization_list_counts_programs_and_searches_by_slug(staff_client, db):
    studio = factories.OrganizationFactory(name="Frontier Labs", slug="frontier")
    factories.ProgramFactory.create_batch(3, organization=studio)
    factories.OrganizationFactory(name="Other Co", slug="other-co")

    response = staff_client.get(changelist("organization"), {"q": "frontier"})

    assert [org.name for org in listed(response)] == ["Frontier Labs"]
    assert listed(response)[0].program_count == 3


def test_organization_can_be_added_with_its_read_only_program_list(staff_client, db):
    add_url = reverse("admin:programs_organization_add")
    page = staff_client.get(add_url)

    response = staff_client.post(
        add_url, admin_form_data(page, name="Frontier Labs", slug="frontier-labs", website="https://frontier.test")
    )

    assert response.status_code == 302
    assert Organization.objects.get().slug == "frontier-labs"


def test_program_list_filters_by_status_and_searches_by_organization_name(staff_client, db):
    frontier = factories.OrganizationFactory(name="Frontier Labs")
    live = factories.ProgramFactory(name="Sora Preview", organization=frontier)
    factories.ProgramFactory(name="Halted Preview", organization=frontier, status=Program.Status.SUSPENDED)
    factories.ProgramFactory(name="Elsewhere Beta")

    by_status = staff_client.get(changelist("program"), {"status__exact": "active", "q": "frontier"})
    by_name = staff_client.get(changelist("program"), {"q": "Frontier Labs"})

    assert listed(by_status) == [live]
    assert {p.name for p in listed(by_name)} == {"Sora Preview", "Halted Preview"}


def test_program_list_says_whether_terms_are_defined(staff_client, db):
    factories.ProgramFactory(
        name="Clear Preview", responsible_use_definition="No deepfakes.", confidential_content_definition="Unreleased."
    )
    factories.ProgramFactory(name="Vague Preview")

    response = staff_client.get(changelist("program"))

    page = response.content.decode()
    assert "Terms defined" in page
    # Rows are ordered by name: Clear Preview, then Vague Preview.
    assert re.findall(r'class="field-terms_defined"><img [^>]*alt="(\w+)"', page) == ["True", "False"]


def test_program_add_page_groups_the_terms(staff_client, db):
    response = staff_client.get(reverse("admin:programs_program_add"))

    terms = next(fieldset for fieldset in response.context["adminform"] if fieldset.name == "Terms")
    assert {field for line in terms for field in line.fields} >= {
        "payment_terms_days",
        "approval_sla_days",
        "reference_hourly_rate",
        "responsible_use_definition",
        "confidential_content_definition",
        "promotion_required",
    }


def test_program_list_runs_a_fixed_number_of_queries(staff_client, db, django_assert_max_num_queries):
    for organization in factories.OrganizationFactory.create_batch(4):
        factories.ProgramFactory.create_batch(5, organization=organization)

    with django_assert_max_num_queries(15):
        response = staff_client.get(changelist("program"))

    assert len(listed(response)) == 20


def test_enrollment_list_searches_by_handle_and_filters_by_status(staff_client, program):
    kept = factories.EnrollmentFactory(program=program, artist=factories.ArtistFactory(handle="kept_one"))
    gone = factories.EnrollmentFactory(program=program, artist=factories.ArtistFactory(handle="gone_one"))
    services.revoke_access(enrollment=gone, occurred_at=timezone.now())

    by_handle = staff_client.get(changelist("enrollment"), {"q": "kept_one"})
    by_status = staff_client.get(changelist("enrollment"), {"status__exact": "revoked"})

    assert listed(by_handle) == [kept]
    assert listed(by_status) == [gone]


def test_adding_an_enrollment_records_its_access_history(staff_client, program):
    artist = factories.ArtistFactory()
    add_url = reverse("admin:programs_enrollment_add")
    page = staff_client.get(add_url)
    granted_on = program.opened_on + dt.timedelta(days=3)

    response = staff_client.post(
        add_url, admin_form_data(page, artist=artist.pk, program=program.pk, granted_on=granted_on.isoformat())
    )

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(artist=artist, program=program)
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.granted_on == granted_on
    event = enrollment.access_events.get()
    assert (event.kind, event.occurred_at.date()) == (Kind.GRANTED, granted_on)
    assert event.recorded_by.username == "staffer"


def test_adding_an_enrollment_without_a_date_records_an_invitation(staff_client, program):
    artist = factories.ArtistFactory()
    add_url = reverse("admin:programs_enrollment_add")
    page = staff_client.get(add_url)

    staff_client.post(add_url, admin_form_data(page, artist=artist.pk, program=program.pk, granted_on=""))

    enrollment = Enrollment.objects.get(artist=artist)
    assert enrollment.status == Enrollment.Status.INVITED
    assert list(enrollment.access_events.values_list("kind", flat=True)) == [Kind.INVITED]


def test_adding_a_duplicate_enrollment_shows_a_form_error_and_writes_nothing(staff_client, enrollment):
    add_url = reverse("admin:programs_enrollment_add")
    page = staff_client.get(add_url)

    response = staff_client.post(
        add_url,
        admin_form_data(page, artist=enrollment.artist.pk, program=enrollment.program.pk, granted_on=""),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["This artist is already enrolled in this program."]
    assert Enrollment.objects.count() == 1
    assert AccessEvent.objects.count() == 1


def test_adding_an_enrollment_before_the_program_opened_shows_the_services_refusal(staff_client, program):
    add_url = reverse("admin:programs_enrollment_add")
    page = staff_client.get(add_url)
    too_early = program.opened_on - dt.timedelta(days=1)

    response = staff_client.post(
        add_url,
        admin_form_data(
            page, artist=factories.ArtistFactory().pk, program=program.pk, granted_on=too_early.isoformat()
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["granted_on"] == [
        f"{program.name} opened on {program.opened_on:%Y-%m-%d}; this is before that."
    ]
    assert not Enrollment.objects.exists()


def test_enrollment_page_shows_access_history_read_only(staff_client, enrollment):
    services.suspend_access(enrollment=enrollment, occurred_at=timezone.now(), reason="Leaked a clip")

    response = staff_client.get(reverse("admin:programs_enrollment_change", args=[enrollment.pk]))

    page = response.content.decode()
    (history,) = response.context["inline_admin_formsets"]
    assert [form.original.kind for form in history] == [Kind.GRANTED, Kind.SUSPENDED]
    assert "Leaked a clip" in page
    assert 'name="access_events-0-kind"' not in page
    assert 'name="access_events-0-DELETE"' not in page
    assert not (history.has_add_permission or history.has_change_permission or history.has_delete_permission)
    assert 'name="status"' not in page


def test_staff_cannot_change_an_enrollment_directly(staff_client, enrollment):
    change_url = reverse("admin:programs_enrollment_change", args=[enrollment.pk])

    page = staff_client.get(change_url)
    refused = staff_client.post(change_url, admin_form_data(page, status="revoked", granted_on="2000-01-01"))

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.granted_on == enrollment.program.opened_on
    assert enrollment.access_events.count() == 1


def test_revoke_action_revokes_the_selected_enrollments(staff_client, program):
    chosen = factories.EnrollmentFactory.create_batch(2, program=program)
    spared = factories.EnrollmentFactory(program=program)

    response = staff_client.post(
        changelist("enrollment"),
        {"action": "revoke_selected", "_selected_action": [e.pk for e in chosen]},
        follow=True,
    )

    assert messages_of(response) == ["Revoked 2 enrollment(s)."]
    revoked = AccessEvent.objects.filter(kind=Kind.REVOKED)
    assert sorted(revoked.values_list("enrollment_id", flat=True)) == sorted(e.pk for e in chosen)
    assert {(e.actor, e.reason) for e in revoked} == {
        (AccessEvent.Actor.STAFF, "Revoked by tracker staff in the admin")
    }
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in chosen] == [Enrollment.Status.REVOKED] * 2
    assert statuses[spared.pk] == Enrollment.Status.ACTIVE


def test_revoke_action_refuses_when_one_is_already_revoked_and_revokes_nothing(staff_client, program):
    active = factories.EnrollmentFactory(program=program)
    gone = factories.EnrollmentFactory(program=program, artist=factories.ArtistFactory(handle="gone_one"))
    services.revoke_access(enrollment=gone, occurred_at=timezone.now() - dt.timedelta(hours=1))
    events_before = AccessEvent.objects.count()

    response = staff_client.post(
        changelist("enrollment"),
        {"action": "revoke_selected", "_selected_action": [active.pk, gone.pk]},
        follow=True,
    )

    (message,) = response.context["messages"]
    assert message.level_tag == "error"
    assert "Nothing was revoked" in str(message) and "gone_one" in str(message)
    assert AccessEvent.objects.count() == events_before
    active.refresh_from_db()
    assert active.status == Enrollment.Status.ACTIVE


def test_access_events_are_view_only(staff_client, enrollment):
    event = enrollment.access_events.get()
    change_url = reverse("admin:programs_accessevent_change", args=[event.pk])

    listing = staff_client.get(changelist("accessevent"))
    view = staff_client.get(change_url)

    assert reverse("admin:programs_accessevent_add") not in listing.content.decode()
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()
    assert staff_client.get(reverse("admin:programs_accessevent_add")).status_code == 403
    assert staff_client.post(change_url, {"kind": "revoked"}).status_code == 403
    assert staff_client.post(reverse("admin:programs_accessevent_delete", args=[event.pk])).status_code == 403
    assert AccessEvent.objects.get() == event and event.kind == Kind.GRANTED


def test_access_event_list_filters_by_kind(staff_client, program):
    gone = factories.EnrollmentFactory(program=program)
    factories.EnrollmentFactory(program=program)
    services.revoke_access(enrollment=gone, occurred_at=timezone.now())

    response = staff_client.get(changelist("accessevent"), {"kind__exact": "revoked"})

    assert [(e.enrollment, e.kind) for e in listed(response)] == [(gone, Kind.REVOKED)]


def test_staff_cannot_delete_an_enrollment_and_its_history(staff_client, enrollment):
    response = staff_client.post(reverse("admin:programs_enrollment_delete", args=[enrollment.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert enrollment.access_events.exists()
