"""The audit trail (config/audit.py, tracker/admin_audit.py): every insert, update and delete
of the tracked records is kept with who made it and the values before and after, however
it was made, and staff read it in the admin. Personal data never enters it."""

import datetime as dt
import json
from decimal import Decimal

import pghistory.core
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from artists.models import ApprovalDecision
from feedback.models import Compensation
from programs import services as program_services
from programs.models import Program
from tests import factories
from tests.programs.test_admin import admin_form_data
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db

TRAIL = reverse("admin:tracker_auditevent_changelist")


def events_of(obj, label=None):
    """The trail of one record, oldest first, as the admin reads it (with its diff)."""
    events = AuditEvent.objects.tracks(obj).order_by("pgh_id")
    return [event for event in events if label is None or event.pgh_label == label]


def who(event):
    return (event.pgh_context or {}).get("user")


def change_form_data(page, **changes) -> dict:
    """What the admin's change form would post back unchanged, plus `changes`."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return admin_form_data(page, **{**data, **changes})


def test_a_staff_edit_of_a_programs_terms_in_the_admin_is_recorded_with_who_and_before_after(staff_client):
    program = factories.ProgramFactory(payment_terms_days=30, approval_sla_days=14)
    url = reverse("admin:programs_program_change", args=[program.pk])

    page = staff_client.get(url)
    response = staff_client.post(url, change_form_data(page, payment_terms_days=60))

    assert response.status_code == 302, response.context["adminform"].form.errors
    [update] = events_of(program, "update")
    assert update.pgh_diff["payment_terms_days"] == [30, 60]
    assert "approval_sla_days" not in update.pgh_diff
    staff = factories.UserFactory(username="staffer")
    assert who(update) == staff.pk
    assert update.pgh_context["url"] == url


def test_an_api_write_by_an_artist_is_recorded_with_the_artists_user():
    enrollment = factories.EnrollmentFactory()
    token = Token.objects.create(user=enrollment.artist.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.post(
        "/api/v1/me/compensations/",
        {"program": enrollment.program.slug, "kind": "cash", "amount": "12.50", "paid_on": str(timezone.localdate())},
        format="json",
    )

    assert response.status_code == 201, response.content
    compensation = Compensation.objects.get()
    [insert] = events_of(compensation)
    assert insert.pgh_label == "insert"
    assert who(insert) == enrollment.artist.user.pk
    assert insert.pgh_context["url"] == "/api/v1/me/compensations/"
    assert insert.pgh_data["amount"] == 12.5 and insert.pgh_data["kind"] == "cash"


def test_a_bulk_update_and_a_raw_sql_update_are_recorded():
    program = factories.ProgramFactory(payment_terms_days=30)
    other = factories.ProgramFactory(payment_terms_days=30)

    Program.objects.filter(pk__in=[program.pk, other.pk]).update(payment_terms_days=45)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE programs_program SET approval_sla_days = 7 WHERE id = %s", [program.pk])

    bulk, raw = events_of(program, "update")
    assert bulk.pgh_diff == {"payment_terms_days": [30, 45]}
    assert raw.pgh_diff == {"approval_sla_days": [14, 7]}
    assert who(raw) is None
    assert [event.pgh_diff for event in events_of(other, "update")] == [{"payment_terms_days": [30, 45]}]


def test_a_delete_is_recorded_with_the_old_values():
    compensation = factories.CompensationFactory(amount=Decimal("80.00"))
    pk, enrollment_id = compensation.pk, compensation.enrollment_id

    Compensation.objects.filter(pk=pk).delete()

    [deleted] = [e for e in AuditEvent.objects.across("feedback.CompensationAudit") if e.pgh_label == "delete"]
    assert deleted.pgh_obj_id == str(pk)
    assert deleted.pgh_data["amount"] == 80.0
    assert deleted.pgh_data["enrollment_id"] == enrollment_id


def test_a_change_to_a_decision_made_outside_a_request_has_no_user():
    work = factories.WorkFactory()
    decision = ApprovalDecision.objects.create(work=work, outcome="approved", decided_at=timezone.now())

    [insert] = events_of(decision)

    assert who(insert) is None and insert.pgh_data["outcome"] == "approved"


def test_staff_read_the_trail_in_the_admin_and_filter_it_by_model(staff_client):
    program = factories.ProgramFactory(name="Glaze beta", payment_terms_days=30)
    Program.objects.filter(pk=program.pk).update(payment_terms_days=90)
    factories.CompensationFactory()

    page = staff_client.get(TRAIL)
    only_programs = staff_client.get(TRAIL, {"event_model": "programs.programaudit"})

    assert page.status_code == 200
    html = page.content.decode()
    assert f"programs.Program #{program.pk}" in html
    assert "payment_terms_days: 30 → 90" in html
    assert "feedback.Compensation #" in html
    assert only_programs.status_code == 200
    shown = {event.pgh_obj_model for event in only_programs.context["cl"].result_list}
    assert shown == {"programs.Program"}


def test_the_trail_shows_who_made_a_change_by_their_username(staff_client):
    program = factories.ProgramFactory()
    url = reverse("admin:programs_program_change", args=[program.pk])
    staff_client.post(url, change_form_data(staff_client.get(url), approval_sla_days=3))

    rows = staff_client.get(TRAIL, {"event_model": "programs.programaudit"}).context["cl"].result_list
    admin = staff_client.get(TRAIL).context["cl"].model_admin

    assert [admin.who(event) for event in rows if event.pgh_label == "update"] == ["staffer"]


def test_the_trail_is_refused_to_anyone_who_is_not_staff(client):
    artist = factories.ArtistFactory()
    client.force_login(artist.user)
    assert client.get(TRAIL).status_code == 302  # to the admin login

    staff_without_permission = factories.UserFactory(username="intern", is_staff=True)
    client.force_login(staff_without_permission)
    assert client.get(TRAIL).status_code == 403


def test_the_trail_cannot_be_edited(staff_client):
    factories.ProgramFactory()
    event = list(AuditEvent.objects.all())[0]

    assert staff_client.get(reverse("admin:tracker_auditevent_change", args=[event.pk])).status_code in (302, 403)
    assert staff_client.get(reverse("admin:tracker_auditevent_add")).status_code == 403


def all_trail_text() -> str:
    """Every row of every audit table and every request context, as text."""
    tables = [model._meta.db_table for model in pghistory.core.event_models()] + ["pghistory_context"]
    rows = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')  # noqa: S608 (known names)
            rows += [row for (row,) in cursor.fetchall()]
    assert rows
    return json.dumps(rows)


def test_no_personal_field_enters_the_trail_and_erasure_leaves_none_behind(client, staff_client):
    artist = factories.ArtistFactory(
        handle="mira_paints", public_name="Mira Okafor", user__username="mira", user__email="mira@example.net"
    )
    artist.user.set_password("pw-for-mira-123")
    artist.user.save()
    enrollment = factories.EnrollmentFactory(artist=artist, granted_on=timezone.localdate() - dt.timedelta(days=30))
    factories.CompensationFactory(enrollment=enrollment, note="Invoice for Mira Okafor")
    work = factories.WorkFactory(enrollment=enrollment, title="Portrait of my sister Ada")
    ApprovalDecision.objects.create(
        work=work, outcome="rejected", decided_at=timezone.now(), reason="Mira's style is too close"
    )
    program_services.revoke_access(enrollment=enrollment, occurred_at=timezone.now(), reason="Mira posted about it")
    personal = [
        "mira_paints",
        "Mira Okafor",
        "mira@example.net",
        "Portrait of my sister Ada",
        "Mira's style",
        "Mira posted",
    ]

    before = all_trail_text()
    assert not [text for text in personal if text in before]
    assert "mira" not in staff_client.get(TRAIL).content.decode().lower()

    client.force_login(artist.user)
    response = client.post(reverse("delete-account"), {"password": "pw-for-mira-123"})

    assert response.status_code == 302
    artist.refresh_from_db()
    assert artist.erased_at is not None
    after = all_trail_text()
    assert not [text for text in personal if text in after]
    assert events_of(enrollment)  # the enrollment's history (ids, dates, states) is kept


def test_flags_a_scan_raises_and_resolves_are_recorded_with_the_job_that_wrote_them():
    from tests.jobs.helpers import log_work, make_program, make_tester, on
    from tracker.models import Flag
    from tracker.services import run_scan

    program = make_program(opened_on=on("2025-01-01"))
    log_work(make_tester(program), on("2025-02-01"), hours="1.00")
    run_scan(rules=["unpaid_feedback"], trigger="command")
    flag = Flag.objects.get(kind="unpaid_feedback")

    [raised] = [e for e in AuditEvent.objects.across("tracker.FlagAudit") if e.pgh_obj_id == str(flag.pk)]
    assert raised.pgh_label == "insert"
    assert raised.pgh_context["job"] == "flag scan"
    assert raised.pgh_context["rule"] == "unpaid_feedback"
