"""The artist's compensations and what they pay for."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from feedback.models import Compensation, CompensationAllocation
from feedback.services import record_compensation
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/compensations/"
TODAY = timezone.localdate()


def writes() -> tuple[int, int]:
    return Compensation.objects.count(), CompensationAllocation.objects.count()


@pytest.fixture
def contributions(my_enrollment):
    return [
        factories.ContributionFactory(enrollment=my_enrollment, hours_spent=Decimal("1")),
        factories.ContributionFactory(enrollment=my_enrollment, hours_spent=Decimal("3")),
    ]


def body(enrollment, **changes):
    return {"program": enrollment.program.slug, "kind": "cash", "amount": "12.50", "paid_on": str(TODAY), **changes}


def test_a_payment_for_contributions_is_split_by_hours(artist_api, my_enrollment, contributions):
    first, second = contributions

    response = artist_api.post(
        URL, body(my_enrollment, note="Invoice 7", contributions=[first.pk, second.pk]), format="json"
    )

    assert response.status_code == 201
    compensation = Compensation.objects.get()
    assert response.json() == {
        "id": compensation.pk,
        "program": my_enrollment.program.slug,
        "kind": "cash",
        "amount": "12.50",
        "paid_on": str(TODAY),
        "note": "Invoice 7",
        "contributions": [first.pk, second.pk],
        "allocations": {str(first.pk): "3.12", str(second.pk): "9.38"},
    }
    assert compensation.amount == Decimal("12.50")
    assert dict(compensation.allocations.values_list("contribution_id", "amount")) == {
        first.pk: Decimal("3.12"),
        second.pk: Decimal("9.38"),
    }
    assert artist_api.get(f"{URL}{compensation.pk}/").json() == response.json()


def test_allocations_give_the_split_and_a_json_number_amount_is_accepted(artist_api, my_enrollment, contributions):
    first, second = contributions

    response = artist_api.post(
        URL, body(my_enrollment, amount=20, allocations={str(first.pk): "5", str(second.pk): "10.25"}), format="json"
    )

    assert response.status_code == 201
    assert response.json()["amount"] == "20.00"
    assert response.json()["allocations"] == {str(first.pk): "5.00", str(second.pk): "10.25"}
    assert CompensationAllocation.objects.get(contribution=second).amount == Decimal("10.25")


def test_a_payment_for_nothing_in_particular_is_recorded(artist_api, my_enrollment):
    response = artist_api.post(URL, body(my_enrollment, kind="credits", amount="0"), format="json")

    assert response.status_code == 201
    assert response.json()["contributions"] == []
    assert response.json()["allocations"] == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "twelve"}, "amount"),
        ({"amount": [12]}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"paid_on": str(TODAY + dt.timedelta(days=1))}, "paid_on"),
        ({"kind": "shares"}, "kind"),
        ({"program": "no-such-program"}, "program"),
        ({"contributions": "abc"}, "contributions"),
        ({"contributions": ["abc"]}, "contributions"),
        ({"contributions": [999999]}, "contributions"),
        ({"allocations": ["1"]}, "allocations"),
        ({"allocations": {"first": "1"}}, "allocations"),
        ({"allocations": {"999999": "1"}}, "allocations"),
        ({"note": {"a": 1}}, "note"),
        ({"currency": "USD"}, "currency"),
    ],
)
def test_bad_compensations_answer_400_on_the_field_and_write_nothing(artist_api, my_enrollment, changes, field):
    response = artist_api.post(URL, body(my_enrollment, **changes), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert writes() == (0, 0)


def test_an_allocation_above_the_amount_is_refused(artist_api, my_enrollment, contributions):
    first, second = contributions

    response = artist_api.post(
        URL, body(my_enrollment, amount="10", allocations={str(first.pk): "6", str(second.pk): "4.01"}), format="json"
    )

    assert response.status_code == 400
    assert response.json()["allocations"] == ["The allocations add up to 10.01, more than the amount 10.00."]
    assert writes() == (0, 0)


def test_another_artists_contribution_cannot_be_paid_for(artist_api, my_enrollment, contributions, other_enrollment):
    theirs = factories.ContributionFactory(enrollment=other_enrollment)
    mine = contributions[0]

    by_list = artist_api.post(URL, body(my_enrollment, contributions=[mine.pk, theirs.pk]), format="json")
    by_split = artist_api.post(URL, body(my_enrollment, allocations={str(theirs.pk): "1"}), format="json")

    assert by_list.status_code == 400
    assert str(theirs.pk) in by_list.json()["contributions"][0]
    assert by_split.status_code == 400
    assert str(theirs.pk) in by_split.json()["allocations"][0]
    assert writes() == (0, 0)


def test_a_contribution_of_another_program_cannot_be_paid_for(artist_api, artist, my_enrollment):
    elsewhere = factories.ContributionFactory(enrollment=factories.EnrollmentFactory(artist=artist))

    response = artist_api.post(URL, body(my_enrollment, contributions=[elsewhere.pk]), format="json")

    assert response.status_code == 400
    assert "contributions" in response.json()
    assert writes() == (0, 0)


def test_contributions_and_allocations_together_are_refused(artist_api, my_enrollment, contributions):
    first = contributions[0]

    response = artist_api.post(
        URL, body(my_enrollment, contributions=[first.pk], allocations={str(first.pk): "1"}), format="json"
    )

    assert response.status_code == 400
    assert writes() == (0, 0)


def test_another_artists_compensation_is_not_found(artist_api, other_enrollment):
    theirs = factories.CompensationFactory(enrollment=other_enrollment)

    assert artist_api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert artist_api.get(URL).json()["count"] == 0


def test_compensations_cannot_be_changed_through_this_endpoint(artist_api, my_enrollment):
    mine = factories.CompensationFactory(enrollment=my_enrollment)

    assert artist_api.patch(f"{URL}{mine.pk}/", {"amount": "1"}, format="json").status_code == 405
    assert artist_api.delete(f"{URL}{mine.pk}/").status_code == 405
    mine.refresh_from_db()
    assert mine.amount == Decimal("100.00")


def test_list_filters_by_program_and_payment_dates_in_fixed_queries(
    artist_api, artist, my_enrollment, contributions, django_assert_max_num_queries
):
    for days_ago in range(6):
        record_compensation(
            enrollment=my_enrollment,
            kind="cash",
            amount=Decimal("10"),
            paid_on=TODAY - dt.timedelta(days=days_ago),
            contributions=contributions,
        )
    elsewhere = factories.CompensationFactory(enrollment=factories.EnrollmentFactory(artist=artist))

    with django_assert_max_num_queries(4):
        everything = artist_api.get(URL).json()
    assert everything["count"] == 7
    assert everything["results"][0]["amount"] in {"10.00", "100.00"}

    recent = artist_api.get(URL, {"since": str(TODAY - dt.timedelta(days=1)), "program": my_enrollment.program.slug})
    assert recent.json()["count"] == 2
    older = artist_api.get(URL, {"until": str(TODAY - dt.timedelta(days=4))})
    assert older.json()["count"] == 2
    assert [
        row["id"]
        for row in artist_api.get(URL, {"kind": "cash", "program": elsewhere.enrollment.program.slug}).json()["results"]
    ] == [elsewhere.pk]
    assert artist_api.get(URL, {"since": "2025-02-30"}).status_code == 400
