import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.services import record_compensation
from tests import factories
from tests.programs.test_admin import admin_form_data


def changelist(model: str) -> str:
    return reverse(f"admin:feedback_{model}_changelist")


def listed(response) -> list:
    return list(response.context["cl"].result_list)


def compensation_form(compensation: Compensation, **fields) -> dict:
    """The compensation's change form as the admin shows it, with `fields` changed."""
    return {
        "enrollment": compensation.enrollment_id,
        "kind": compensation.kind,
        "amount": str(compensation.amount),
        "paid_on": compensation.paid_on.isoformat(),
        "note": compensation.note,
        **fields,
    }


def allocation_rows(*rows: dict, initial: int = 0) -> dict:
    """Inline allocation forms: each row has contribution and amount, and id for existing ones."""
    data = {
        "allocations-TOTAL_FORMS": len(rows),
        "allocations-INITIAL_FORMS": initial,
        "allocations-MIN_NUM_FORMS": 0,
        "allocations-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"allocations-{index}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def contribution(enrollment):
    return factories.ContributionFactory(enrollment=enrollment, title="Crash when exporting", hours_spent="3")


@pytest.fixture
def compensation(contribution):
    return record_compensation(
        enrollment=contribution.enrollment,
        kind=Compensation.Kind.CASH,
        amount="100.00",
        paid_on=timezone.localdate(),
        allocations={contribution.pk: "60.00"},
    )


@pytest.mark.parametrize("model", ["contribution", "compensation", "compensationallocation"])
def test_every_changelist_and_change_page_shows_its_records(staff_client, compensation, model):
    record = {
        "contribution": compensation.contributions.get(),
        "compensation": compensation,
        "compensationallocation": compensation.allocations.get(),
    }[model]

    listing = staff_client.get(changelist(model))
    change = staff_client.get(reverse(f"admin:feedback_{model}_change", args=[record.pk]))

    assert listing.status_code == 200
    assert listed(listing) == [record]
    assert change.status_code == 200


@pytest.mark.parametrize("model", ["contribution", "compensation", "compensationallocation"])
def test_add_pages_load(staff_client, model):
    response = staff_client.get(reverse(f"admin:feedback_{model}_add"))

    assert response.status_code == 200


def test_someone_who_is_not_staff_is_sent_to_the_admin_login(client, db):
    client.force_login(factories.UserFactory(is_staff=False))

    response = client.get(changelist("contribution"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_contribution_list_says_which_contributions_are_paid(staff_client, enrollment):
    paid = factories.ContributionFactory(enrollment=enrollment, title="Paid session", occurred_on=enrollment.granted_on)
    credited = factories.ContributionFactory(
        enrollment=enrollment, title="Credited session", occurred_on=enrollment.granted_on + dt.timedelta(days=1)
    )
    unpaid = factories.ContributionFactory(
        enrollment=enrollment, title="Unpaid session", occurred_on=enrollment.granted_on + dt.timedelta(days=2)
    )
    record_compensation(
        enrollment=enrollment,
        kind=Compensation.Kind.STIPEND,
        amount="50",
        paid_on=timezone.localdate(),
        contributions=[paid],
    )
    record_compensation(
        enrollment=enrollment,
        kind=Compensation.Kind.CREDITS,
        amount="500",
        paid_on=timezone.localdate(),
        contributions=[credited],
    )

    page = staff_client.get(changelist("contribution")).content.decode()

    # Newest first: unpaid, credited (credits are not pay), paid.
    assert [c.title for c in (unpaid, credited, paid)] == re.findall(r'class="field-title"><a [^>]*>([^<]+)<', page)
    assert re.findall(r'class="field-compensated"><img [^>]*alt="(\w+)"', page) == ["False", "False", "True"]


def test_contribution_list_searches_by_handle_and_filters_by_kind(staff_client, program):
    mine = factories.EnrollmentFactory(program=program, artist=factories.ArtistFactory(handle="needle_artist"))
    promotion = factories.ContributionFactory(enrollment=mine, kind=Contribution.Kind.PROMOTION, title="Launch post")
    factories.ContributionFactory(enrollment=mine, kind=Contribution.Kind.BUG_REPORT)
    factories.ContributionFactory(enrollment=factories.EnrollmentFactory(program=program))

    by_handle = staff_client.get(changelist("contribution"), {"q": "needle_artist"})
    by_kind = staff_client.get(changelist("contribution"), {"kind__exact": "promotion"})

    assert len(listed(by_handle)) == 2
    assert listed(by_kind) == [promotion]


def test_contribution_list_runs_a_fixed_number_of_queries(staff_client, program, django_assert_max_num_queries):
    for enrollment in factories.EnrollmentFactory.create_batch(4, program=program):
        paid_for = factories.ContributionFactory.create_batch(5, enrollment=enrollment)
        record_compensation(
            enrollment=enrollment, kind="cash", amount="40", paid_on=timezone.localdate(), contributions=paid_for[:2]
        )

    with django_assert_max_num_queries(15):
        response = staff_client.get(changelist("contribution"))

    rows = listed(response)
    assert len(rows) == 20
    assert sum(row.is_compensated for row in rows) == 8


def test_contribution_with_allocations_cannot_move_to_another_enrollment(staff_client, compensation, program):
    contribution = compensation.contributions.get()
    elsewhere = factories.EnrollmentFactory(program=program)
    change_url = reverse("admin:feedback_contribution_change", args=[contribution.pk])

    response = staff_client.post(
        change_url,
        {
            "enrollment": elsewhere.pk,
            "kind": contribution.kind,
            "title": contribution.title,
            "hours_spent": "3",
            "occurred_on": contribution.occurred_on.isoformat(),
        },
    )

    assert response.status_code == 200
    assert "remove those allocations before moving it" in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.enrollment_id == compensation.enrollment_id


def test_contribution_in_the_future_is_refused(staff_client, enrollment):
    add_url = reverse("admin:feedback_contribution_add")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = staff_client.post(
        add_url,
        {
            "enrollment": enrollment.pk,
            "kind": "survey",
            "title": "Survey",
            "hours_spent": "1",
            "occurred_on": tomorrow.isoformat(),
        },
    )

    assert response.context["adminform"].form.errors["occurred_on"] == ["This date cannot be in the future."]
    assert not Contribution.objects.exists()


def test_compensation_list_shows_program_currency_and_allocated_total(staff_client, db):
    enrollment = factories.EnrollmentFactory(program=factories.ProgramFactory(currency="EUR"))
    first, second = factories.ContributionFactory.create_batch(2, enrollment=enrollment)
    record_compensation(
        enrollment=enrollment,
        kind="cash",
        amount="90",
        paid_on=timezone.localdate(),
        allocations={first.pk: "30", second.pk: "25.50"},
    )

    response = staff_client.get(changelist("compensation"), {"kind__exact": "cash"})

    (row,) = listed(response)
    assert row.allocated_total == Decimal("55.50")
    page = response.content.decode()
    assert '<td class="field-currency">EUR</td>' in page
    assert '<td class="field-allocated">55.50</td>' in page


def test_compensation_can_be_added_with_allocations(staff_client, contribution):
    add_url = reverse("admin:feedback_compensation_add")
    page = staff_client.get(add_url)

    response = staff_client.post(
        add_url,
        {
            **admin_form_data(page),
            "enrollment": contribution.enrollment_id,
            "kind": "cash",
            "amount": "80.00",
            "paid_on": timezone.localdate().isoformat(),
            "note": "",
            **allocation_rows({"contribution": contribution.pk, "amount": "80.00"}),
        },
    )

    assert response.status_code == 302
    compensation = Compensation.objects.get()
    assert list(compensation.allocations.values_list("contribution_id", "amount")) == [
        (contribution.pk, Decimal("80.00"))
    ]


def test_allocation_inline_refuses_more_than_the_compensation(staff_client, compensation, enrollment):
    existing = compensation.allocations.get()
    another = factories.ContributionFactory(enrollment=enrollment)
    change_url = reverse("admin:feedback_compensation_change", args=[compensation.pk])

    response = staff_client.post(
        change_url,
        {
            **compensation_form(compensation),
            **allocation_rows(
                {
                    "id": existing.pk,
                    "compensation": compensation.pk,
                    "contribution": existing.contribution_id,
                    "amount": "60.00",
                },
                {"compensation": compensation.pk, "contribution": another.pk, "amount": "40.01"},
                initial=1,
            ),
        },
    )

    assert response.status_code == 200
    assert (
        "The allocations add up to 100.01, more than the compensation&#x27;s amount 100.00."
        in response.content.decode()
    )
    assert list(CompensationAllocation.objects.values_list("amount", flat=True)) == [Decimal("60.00")]


def test_allocation_inline_refuses_a_contribution_of_another_enrollment(staff_client, compensation, program):
    stranger = factories.ContributionFactory(enrollment=factories.EnrollmentFactory(program=program))
    existing = compensation.allocations.get()
    change_url = reverse("admin:feedback_compensation_change", args=[compensation.pk])

    response = staff_client.post(
        change_url,
        {
            **compensation_form(compensation),
            **allocation_rows(
                {
                    "id": existing.pk,
                    "compensation": compensation.pk,
                    "contribution": existing.contribution_id,
                    "amount": "60.00",
                },
                {"compensation": compensation.pk, "contribution": stranger.pk, "amount": "10.00"},
                initial=1,
            ),
        },
    )

    assert response.status_code == 200
    assert "This contribution belongs to another enrollment" in response.content.decode()
    assert CompensationAllocation.objects.count() == 1


def test_lowering_the_amount_and_moving_allocations_together_is_saved(staff_client, compensation, enrollment):
    existing = compensation.allocations.get()
    another = factories.ContributionFactory(enrollment=enrollment)
    change_url = reverse("admin:feedback_compensation_change", args=[compensation.pk])

    # 100 with 60 allocated becomes 50: 20 to the first contribution and 30 to another.
    response = staff_client.post(
        change_url,
        {
            **compensation_form(compensation, amount="50.00"),
            **allocation_rows(
                {
                    "id": existing.pk,
                    "compensation": compensation.pk,
                    "contribution": existing.contribution_id,
                    "amount": "20.00",
                },
                {"compensation": compensation.pk, "contribution": another.pk, "amount": "30.00"},
                initial=1,
            ),
        },
    )

    assert response.status_code == 302
    compensation.refresh_from_db()
    assert compensation.amount == Decimal("50.00")
    assert dict(compensation.allocations.values_list("contribution_id", "amount")) == {
        existing.contribution_id: Decimal("20.00"),
        another.pk: Decimal("30.00"),
    }


def test_deleting_one_allocation_frees_room_for_another(staff_client, compensation, enrollment):
    existing = compensation.allocations.get()
    another = factories.ContributionFactory(enrollment=enrollment)
    change_url = reverse("admin:feedback_compensation_change", args=[compensation.pk])

    response = staff_client.post(
        change_url,
        {
            **compensation_form(compensation),
            **allocation_rows(
                {
                    "id": existing.pk,
                    "compensation": compensation.pk,
                    "contribution": existing.contribution_id,
                    "amount": "60.00",
                    "DELETE": "on",
                },
                {"compensation": compensation.pk, "contribution": another.pk, "amount": "100.00"},
                initial=1,
            ),
        },
    )

    assert response.status_code == 302
    assert list(CompensationAllocation.objects.values_list("contribution_id", "amount")) == [
        (another.pk, Decimal("100.00"))
    ]


def test_single_allocation_page_refuses_more_than_is_left(staff_client, compensation, enrollment):
    another = factories.ContributionFactory(enrollment=enrollment)

    response = staff_client.post(
        reverse("admin:feedback_compensationallocation_add"),
        {"compensation": compensation.pk, "contribution": another.pk, "amount": "40.01"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"] == [
        "With the other allocations (60.00) this adds up to 100.01, more than the compensation's amount 100.00."
    ]
    assert CompensationAllocation.objects.count() == 1
