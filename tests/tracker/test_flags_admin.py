"""The admin for flags, scan runs and webhooks: staff look at what the jobs wrote, start a
scan, and retry deliveries; nobody edits a flag or a run by hand."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tracker.models import Flag, JobRun, WebhookDelivery, WebhookSubscription
from tracker.webhooks import MAX_ATTEMPTS, Response, deliver_due

RUN_SCAN = "admin:tracker_jobrun_run_scan"


@pytest.fixture
def flag(db):
    program = factories.ProgramFactory(name="Moving Pictures Preview", responsible_use_definition="")
    return Flag.objects.create(
        program=program,
        kind=Flag.Kind.UNDEFINED_TERMS,
        severity=Flag.Severity.MEDIUM,
        subject_key=f"program:{program.pk}",
        message="The program has not defined its terms.",
    )


@pytest.fixture
def job_run(db):
    return JobRun.objects.create(
        rule="all", trigger="schedule", status=JobRun.Status.SUCCEEDED, raised=3, finished_at=timezone.now()
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_flag_list_shows_flags(staff_client, flag, django_assert_max_num_queries):
    for n in range(20):
        Flag.objects.create(
            program=flag.program, kind="approval_overdue", severity="low", subject_key=f"work:{n}", message=f"Late {n}"
        )

    with django_assert_max_num_queries(15):
        response = staff_client.get(reverse("admin:tracker_flag_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The program has not defined its terms." in page
    assert "Moving Pictures Preview" in page
    assert "21 flags" in page
    filtered = staff_client.get(reverse("admin:tracker_flag_changelist"), {"kind": "undefined_terms"})
    assert filtered.status_code == 200 and "1 flag" in filtered.content.decode()


def test_the_run_list_shows_runs_and_the_scan_button(staff_client, job_run):
    response = staff_client.get(reverse("admin:tracker_jobrun_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Run a flag scan now" in page
    assert reverse(RUN_SCAN) in page
    assert "Succeeded" in page


def test_a_run_that_never_finished_shows_as_interrupted(staff_client, db):
    JobRun.objects.create(rule="all", started_at=timezone.now() - dt.timedelta(hours=2))

    page = staff_client.get(reverse("admin:tracker_jobrun_changelist")).content.decode()

    assert "interrupted (never finished)" in page


@pytest.mark.parametrize("model", ["flag", "jobrun"])
def test_flags_and_runs_cannot_be_added_changed_or_deleted(staff_client, flag, job_run, model):
    obj = flag if model == "flag" else job_run
    original = type(obj).objects.values().get(pk=obj.pk)

    add_url = reverse(f"admin:tracker_{model}_add")
    change_url = reverse(f"admin:tracker_{model}_change", args=[obj.pk])
    delete_url = reverse(f"admin:tracker_{model}_delete", args=[obj.pk])

    assert staff_client.get(add_url).status_code == 403
    assert staff_client.post(add_url, {}).status_code == 403
    view = staff_client.get(change_url)
    assert view.status_code == 200 and "Save" not in view.content.decode()
    assert staff_client.post(change_url, {"message": "x"}).status_code == 403
    assert staff_client.get(delete_url).status_code == 403
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = staff_client.post(
        reverse(f"admin:tracker_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302)
    assert type(obj).objects.values().get(pk=obj.pk) == original


def test_the_scan_button_runs_a_scan(staff_client, flag):
    factories.ProgramFactory(name="Bare Terms Program", responsible_use_definition="")

    response = staff_client.post(reverse(RUN_SCAN), follow=True)

    assert response.redirect_chain == [(reverse("admin:tracker_jobrun_changelist"), 302)]
    run = JobRun.objects.get()
    assert run.trigger == "admin"
    assert run.rule == "all"
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.raised == 1  # the flag fixture's program already has its open flag
    assert messages_of(response) == ["Scan finished: 1 flags raised, 0 resolved."]
    assert Flag.objects.filter(program__name="Bare Terms Program", kind="undefined_terms").exists()


def test_getting_the_scan_url_runs_nothing(staff_client, db):
    response = staff_client.get(reverse(RUN_SCAN))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracker_jobrun_changelist")
    assert not JobRun.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_only_staff_reach_the_scan_button(client, db, who):
    if who == "not staff":
        client.force_login(factories.UserFactory())

    response = client.post(reverse(RUN_SCAN))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not JobRun.objects.exists()


def test_staff_without_permission_on_runs_cannot_start_a_scan(client, db):
    client.force_login(factories.UserFactory(is_staff=True))

    response = client.post(reverse(RUN_SCAN))

    assert response.status_code == 302
    assert not JobRun.objects.exists()


def test_staff_who_may_only_view_runs_cannot_start_a_scan(client, db):
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_jobrun"))
    client.force_login(user)

    client.post(reverse(RUN_SCAN))

    assert not JobRun.objects.exists()


def test_staff_allowed_to_change_runs_can_start_a_scan(client, db):
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_jobrun", "change_jobrun"]))
    client.force_login(user)

    client.post(reverse(RUN_SCAN))

    assert JobRun.objects.get().trigger == "admin"


@pytest.fixture
def subscription(flag):
    return WebhookSubscription.objects.create(
        owner=factories.UserFactory(username="client"), url="https://hooks.example.org/tracker", secret="s" * 32
    )


def deliveries(subscription, program, statuses: list[str]) -> list[WebhookDelivery]:
    made = []
    for n, status in enumerate(statuses):
        # A program-level finding: those are sent one by one (artist-level ones only as monthly counts).
        flag = Flag.objects.create(
            program=program, kind="undefined_terms", severity="low", subject_key=f"program:{n}", message=f"Late {n}"
        )
        made.append(
            WebhookDelivery.objects.create(
                subscription=subscription,
                flag=flag,
                status=status,
                attempts=MAX_ATTEMPTS if status == "failed" else 1,
                next_attempt_at=timezone.now() - dt.timedelta(hours=3),
            )
        )
    return made


def test_the_subscription_list_counts_pending_and_failed_deliveries(staff_client, subscription, flag):
    deliveries(subscription, flag.program, ["pending", "pending", "failed", "delivered", "delivered", "delivered"])
    quiet = WebhookSubscription.objects.create(
        owner=subscription.owner, url="https://quiet.example.org/", secret="q" * 32, kinds=["mass_revocation"]
    )

    response = staff_client.get(reverse("admin:tracker_webhooksubscription_changelist"))

    assert response.status_code == 200
    rows = {row.url: row for row in response.context["cl"].result_list}
    assert (rows[subscription.url].pending_count, rows[subscription.url].failed_count) == (2, 1)
    assert (rows[quiet.url].pending_count, rows[quiet.url].failed_count) == (0, 0)
    page = response.content.decode()
    assert '<td class="field-pending">2</td>' in page
    assert '<td class="field-failed">1</td>' in page
    assert "every kind" in page and "mass_revocation" in page


def test_retry_now_puts_a_failed_delivery_back_in_the_queue(staff_client, subscription, flag):
    failed, delivered = deliveries(subscription, flag.program, ["failed", "delivered"])
    before = timezone.now()

    response = staff_client.post(
        reverse("admin:tracker_webhookdelivery_changelist"),
        {"action": "retry_now", "_selected_action": [failed.pk, delivered.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 deliveries will be retried within a minute." in messages_of(response)
    failed.refresh_from_db()
    delivered.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.PENDING
    assert before <= failed.next_attempt_at <= timezone.now()
    assert delivered.status == WebhookDelivery.Status.DELIVERED

    sent = []
    report = deliver_due(post=lambda url, body, headers: sent.append(url) or Response(status=204))
    assert report.delivered == 1 and sent == [subscription.url]
    failed.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.DELIVERED


def test_a_delivery_is_read_only_in_the_admin(staff_client, subscription, flag):
    [delivery] = deliveries(subscription, flag.program, ["failed"])

    assert staff_client.get(reverse("admin:tracker_webhookdelivery_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:tracker_webhookdelivery_change", args=[delivery.pk])).status_code == 200
    post = staff_client.post(reverse("admin:tracker_webhookdelivery_change", args=[delivery.pk]), {"status": "pending"})
    assert post.status_code == 403
    assert staff_client.get(reverse("admin:tracker_webhookdelivery_add")).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED


def test_the_subscription_page_lists_its_deliveries(staff_client, subscription, flag):
    deliveries(subscription, flag.program, ["failed"])

    response = staff_client.get(reverse("admin:tracker_webhooksubscription_change", args=[subscription.pk]))

    assert response.status_code == 200
    assert "Failed (gave up)" in response.content.decode()


def test_staff_switch_a_subscription_off_from_its_page(staff_client, subscription, flag):
    [delivery] = deliveries(subscription, flag.program, ["failed"])
    created = timezone.localtime(subscription.created_at)

    response = staff_client.post(
        reverse("admin:tracker_webhooksubscription_change", args=[subscription.pk]),
        {
            "owner": subscription.owner_id,
            "url": subscription.url,
            "secret": subscription.secret,
            "kinds": "undefined_terms,mass_revocation",
            "program": "",
            "created_at_0": created.date().isoformat(),
            "created_at_1": created.time().isoformat(),
            "deliveries-TOTAL_FORMS": "1",
            "deliveries-INITIAL_FORMS": "1",
            "deliveries-MIN_NUM_FORMS": "0",
            "deliveries-MAX_NUM_FORMS": "0",
            "deliveries-0-id": delivery.pk,
            "deliveries-0-subscription": subscription.pk,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.kinds == ["undefined_terms", "mass_revocation"]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED


def test_the_admin_index_names_every_model_in_a_proper_plural(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()

    assert ">Webhook deliveries</a>" in page
    assert "deliverys" not in page.lower()
    # Django adds an "s" to the verbose name: a name ending in a consonant and "y" needs its own.
    for model in apps.get_models():
        plural = str(model._meta.verbose_name_plural)
        assert not re.search(r"[^aeiou]ys$", plural), f"{model._meta.label}: {plural!r}"
