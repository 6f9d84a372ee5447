"""The ledger's record pages: contributions, works and decisions, payments.

Each form is shown to write through its service on good input, and on bad input to show
the message on its field and write nothing. Access control is in test_ledger_pages.py.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from artists.models import ApprovalDecision, Work
from artists.services import record_decision
from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.services import record_compensation
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def moment(days: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(days_ago(days), dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def me(client):
    """The signed-in artist."""
    artist = factories.ArtistFactory(handle="mira")
    client.force_login(artist.user)
    return artist


@pytest.fixture
def mine(me):
    """The signed-in artist's enrollment in a program in euros."""
    return factories.EnrollmentFactory(
        artist=me, program__name="Moving Pictures", program__currency="EUR", granted_on=days_ago(100)
    )


def page_text(response) -> str:
    return response.content.decode()


def errors_on(response, field: str, form: str = "form") -> str:
    return " ".join(response.context[form].errors.get(field, []))


def contributions_state() -> list[tuple]:
    return list(Contribution.objects.order_by("pk").values_list("pk", "title", "hours_spent", "occurred_on"))


def works_state() -> dict:
    return {
        "works": list(Work.objects.order_by("pk").values_list("pk", "title", "submitted_at", "status")),
        "decisions": list(ApprovalDecision.objects.order_by("pk").values_list("pk", "outcome")),
    }


def compensations_state() -> dict:
    return {
        "compensations": list(Compensation.objects.order_by("pk").values_list("pk", "kind", "amount", "paid_on")),
        "allocations": list(CompensationAllocation.objects.order_by("pk").values_list("pk", "contribution", "amount")),
    }


# Contributions


def contribution_data(mine, **overrides) -> dict:
    return {
        "enrollment": mine.pk,
        "kind": "bug_report",
        "title": "Faces melt in crowd scenes",
        "description": "Repro steps attached.",
        "hours_spent": "2.5",
        "occurred_on": days_ago(3).isoformat(),
        "requested_by_program": "on",
    } | overrides


def test_the_new_contribution_form_preselects_the_program_given_in_the_url(client, me, mine):
    other = factories.EnrollmentFactory(artist=me)

    response = client.get(reverse("ledger-contribution-new"), {"enrollment": other.pk})

    assert response.context["form"]["enrollment"].value() == other.pk
    assert f'<option value="{other.pk}" selected>' in page_text(response)


def test_the_new_contribution_form_ignores_another_artists_program_in_the_url(client, me, mine, enrollment):
    response = client.get(reverse("ledger-contribution-new"), {"enrollment": enrollment.pk})

    assert response.context["form"]["enrollment"].value() is None
    assert enrollment.program.name not in page_text(response)


def test_logging_a_contribution_writes_it_and_says_so(client, me, mine):
    response = client.post(reverse("ledger-contribution-new"), contribution_data(mine), follow=True)

    contribution = Contribution.objects.get()
    assert contribution.enrollment == mine
    assert (contribution.kind, contribution.hours_spent, contribution.occurred_on) == (
        "bug_report",
        Decimal("2.50"),
        days_ago(3),
    )
    assert contribution.requested_by_program is True
    assert response.redirect_chain == [(reverse("ledger-enrollment", args=[mine.pk]), 302)]
    assert "Logged “Faces melt in crowd scenes”: 2.5 hours." in page_text(response)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours_spent": "0"}, "hours_spent", "Hours spent must be more than 0."),
        ({"hours_spent": "25"}, "hours_spent", "cannot be more than 24"),
        ({"hours_spent": "-1"}, "hours_spent", "Hours spent must be more than 0."),
        ({"hours_spent": "lots"}, "hours_spent", "Enter a number."),
        ({"occurred_on": days_ago(-1).isoformat()}, "occurred_on", "This date cannot be in the future."),
        ({"occurred_on": days_ago(500).isoformat()}, "occurred_on", "this is before that"),
        ({"title": ""}, "title", "This field is required."),
        ({"kind": "bribe"}, "kind", "Select a valid choice."),
    ],
)
def test_a_bad_contribution_is_refused_on_its_field(client, me, mine, overrides, field, message):
    response = client.post(reverse("ledger-contribution-new"), contribution_data(mine, **overrides))

    assert response.status_code == 200
    assert message in errors_on(response, field)
    assert message in page_text(response)
    assert not Contribution.objects.exists()


def test_a_contribution_cannot_be_logged_in_another_artists_program(client, me, mine, enrollment):
    response = client.post(reverse("ledger-contribution-new"), contribution_data(mine, enrollment=enrollment.pk))

    assert "Choose one of the programs in your ledger." in errors_on(response, "enrollment")
    assert not Contribution.objects.exists()


def test_a_contribution_needs_access_to_have_been_granted(client, me):
    invited = factories.EnrollmentFactory(artist=me, granted_on=None)

    response = client.post(reverse("ledger-contribution-new"), contribution_data(invited))

    assert "Record when access to this program was granted first." in errors_on(response, "enrollment")
    assert not Contribution.objects.exists()


def test_editing_a_contribution_changes_it(client, me, mine):
    contribution = factories.ContributionFactory(enrollment=mine, title="Call", hours_spent=Decimal("1"))
    url = reverse("ledger-contribution-edit", args=[contribution.pk])

    form = client.get(url).context["form"]
    assert "enrollment" not in form.fields
    assert form["title"].value() == "Call"

    response = client.post(url, contribution_data(mine, title="Longer call", hours_spent="3"), follow=True)

    contribution.refresh_from_db()
    assert (contribution.title, contribution.hours_spent) == ("Longer call", Decimal("3.00"))
    assert "Saved your changes to “Longer call”." in page_text(response)


def test_a_bad_edit_leaves_the_contribution_as_it_was(client, me, mine):
    contribution = factories.ContributionFactory(enrollment=mine)
    before = contributions_state()

    response = client.post(
        reverse("ledger-contribution-edit", args=[contribution.pk]), contribution_data(mine, hours_spent="24.5")
    )

    assert "cannot be more than 24" in errors_on(response, "hours_spent")
    assert contributions_state() == before


def test_deleting_a_contribution_says_which_payments_covered_it(client, me, mine):
    covered = factories.ContributionFactory(enrollment=mine, title="Covered", hours_spent=Decimal("1"))
    other = factories.ContributionFactory(enrollment=mine, hours_spent=Decimal("3"))
    payment = record_compensation(
        enrollment=mine, kind="cash", amount="40", paid_on=days_ago(1), contributions=[covered, other]
    )
    url = reverse("ledger-contribution-delete", args=[covered.pk])

    confirm = page_text(client.get(url))

    assert "Payments covered it" in confirm
    assert "10.00 EUR of the cash of 40.00" in confirm

    response = client.post(url, follow=True)

    assert not Contribution.objects.filter(pk=covered.pk).exists()
    assert Compensation.objects.get(pk=payment.pk).amount == Decimal("40.00")
    assert "Deleted “Covered”." in page_text(response)


def test_deleting_an_unpaid_contribution_says_no_payment_covered_it(client, me, mine):
    contribution = factories.ContributionFactory(enrollment=mine)

    assert "No payment covered it." in page_text(
        client.get(reverse("ledger-contribution-delete", args=[contribution.pk]))
    )


def test_the_contributions_list_spans_programs_and_is_paginated(client, me, mine):
    other = factories.EnrollmentFactory(artist=me, program__name="Still Frames")
    for day in range(28):
        factories.ContributionFactory(enrollment=mine, occurred_on=days_ago(day), hours_spent=Decimal("1"))
    factories.ContributionFactory(enrollment=other, occurred_on=days_ago(40), title="Frames feedback")
    factories.ContributionFactory(enrollment=other, occurred_on=days_ago(41), title="Frames survey")
    factories.ContributionFactory(title="Not mine")

    first = client.get(reverse("ledger-contributions"))
    second = client.get(reverse("ledger-contributions"), {"page": "2"})

    assert first.context["pager"].page.paginator.count == 30
    assert len(first.context["pager"].page) == 25 and len(second.context["pager"].page) == 5
    assert "Frames survey" in page_text(second) and "Frames survey" not in page_text(first)
    assert "Not mine" not in page_text(first) + page_text(second)
    assert 'href="?page=2"' in page_text(first)
    assert "30 contributions, 32 hours" in page_text(first)


def test_the_contributions_list_filters_by_program_and_dates_and_keeps_filters_in_page_links(client, me, mine):
    other = factories.EnrollmentFactory(artist=me, program__name="Still Frames")
    for day in range(40):
        factories.ContributionFactory(enrollment=mine, occurred_on=days_ago(day), title=f"Pictures {day}")
    factories.ContributionFactory(enrollment=other, occurred_on=days_ago(5), title="Frames feedback")
    query = {"enrollment": mine.pk, "occurred_from": days_ago(35).isoformat(), "occurred_until": days_ago(5)}

    response = client.get(reverse("ledger-contributions"), query)

    pager = response.context["pager"]
    assert pager.page.paginator.count == 31
    assert all(c.enrollment_id == mine.pk for c in pager.page)
    assert "Frames feedback" not in page_text(response)
    assert f"enrollment={mine.pk}" in pager.next_url and "occurred_from=" in pager.next_url
    second = client.get(reverse("ledger-contributions") + pager.next_url)
    assert [c.title for c in second.context["pager"].page] == [f"Pictures {day}" for day in range(30, 36)]


def test_a_bad_filter_says_so_and_lists_everything(client, me, mine):
    factories.ContributionFactory(enrollment=mine)

    response = client.get(
        reverse("ledger-contributions"), {"occurred_from": days_ago(1).isoformat(), "occurred_until": days_ago(9)}
    )

    assert "The end of the range is before its start." in errors_on(response, "occurred_until", "filters")
    assert response.context["pager"].page.paginator.count == 1


def test_contributions_show_whether_cash_paid_for_them(client, me, mine):
    paid = factories.ContributionFactory(enrollment=mine, title="Paid one")
    factories.ContributionFactory(enrollment=mine, title="Credited one")
    record_compensation(enrollment=mine, kind="stipend", amount="12.5", paid_on=days_ago(1), contributions=[paid])

    rows = {c.title: c for c in client.get(reverse("ledger-contributions")).context["pager"].page}

    assert rows["Paid one"].is_compensated and rows["Paid one"].cash_allocated == Decimal("12.50")
    assert not rows["Credited one"].is_compensated


def test_the_contributions_list_takes_a_fixed_number_of_queries(client, me, mine, django_assert_max_num_queries):
    for _ in range(30):
        factories.ContributionFactory(enrollment=mine)

    with django_assert_max_num_queries(10):
        assert client.get(reverse("ledger-contributions")).status_code == 200


# Works and decisions


def work_data(mine, **overrides) -> dict:
    return {
        "enrollment": mine.pk,
        "title": "Harbour at dusk",
        "medium": "video",
        "description": "",
        "submitted_at": f"{days_ago(4).isoformat()}T22:15",
    } | overrides


def test_recording_a_work_writes_it_pending_with_its_utc_time(client, me, mine):
    response = client.post(reverse("ledger-work-new"), work_data(mine), follow=True)

    work = Work.objects.get()
    assert (work.enrollment, work.title, work.status) == (mine, "Harbour at dusk", "pending")
    assert work.submitted_at == dt.datetime.combine(days_ago(4), dt.time(22, 15), tzinfo=dt.UTC)
    assert "it is pending until the program decides" in page_text(response)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"submitted_at": "2999-05-01T10:00"}, "submitted_at", "This cannot be in the future."),
        ({"submitted_at": ""}, "submitted_at", "This field is required."),
        ({"title": ""}, "title", "This field is required."),
        ({"medium": "sculpture"}, "medium", "Select a valid choice."),
    ],
)
def test_a_bad_work_is_refused_on_its_field(client, me, mine, overrides, field, message):
    response = client.post(reverse("ledger-work-new"), work_data(mine, **overrides))

    assert response.status_code == 200
    assert message in errors_on(response, field)
    assert not Work.objects.exists()


def test_the_works_list_shows_status_and_decisions(client, me, mine):
    work = factories.WorkFactory(enrollment=mine, title="Harbour", submitted_at=moment(10))
    record_decision(work=work, outcome="changes_requested", decided_at=moment(8), reason="Too dark")
    factories.WorkFactory(enrollment=mine, title="Waiting one")

    text = page_text(client.get(reverse("ledger-works")))

    assert "Harbour" in text and "Changes requested" in text and "Too dark" in text
    assert "Waiting one" in text and "Pending" in text


def test_editing_a_work_after_its_first_decision_is_refused_on_the_date(client, me, mine):
    work = factories.WorkFactory(enrollment=mine, submitted_at=moment(10))
    record_decision(work=work, outcome="approved", decided_at=moment(8))
    before = works_state()

    response = client.post(
        reverse("ledger-work-edit", args=[work.pk]), work_data(mine, submitted_at=f"{days_ago(5)}T10:00")
    )

    assert "the submission cannot be after it" in errors_on(response, "submitted_at")
    assert works_state() == before


def test_editing_a_work_shows_its_utc_time_and_saves_changes(client, me, mine):
    work = factories.WorkFactory(enrollment=mine, submitted_at=moment(10, hour=7))
    url = reverse("ledger-work-edit", args=[work.pk])

    assert f'value="{days_ago(10).isoformat()}T07:00"' in page_text(client.get(url))

    client.post(url, work_data(mine, title="Renamed", medium="image"))

    work.refresh_from_db()
    assert (work.title, work.medium, work.submitted_at) == (
        "Renamed",
        "image",
        moment(4, hour=22) + dt.timedelta(minutes=15),
    )


def test_deleting_a_work_names_its_decisions(client, me, mine):
    work = factories.WorkFactory(enrollment=mine, submitted_at=moment(10))
    record_decision(work=work, outcome="rejected", decided_at=moment(9))
    url = reverse("ledger-work-delete", args=[work.pk])

    assert "The 1 decision recorded on it will be deleted too" in page_text(client.get(url))

    client.post(url)

    assert not Work.objects.exists() and not ApprovalDecision.objects.exists()


def test_recording_a_decision_without_a_reason(client, me, mine):
    work = factories.WorkFactory(enrollment=mine, submitted_at=moment(10))
    url = reverse("ledger-decision-new", args=[work.pk])

    assert "no reason given" in page_text(client.get(url))

    response = client.post(
        url, {"outcome": "rejected", "decided_at": f"{days_ago(2)}T16:00", "reason": ""}, follow=True
    )

    decision = ApprovalDecision.objects.get()
    assert (decision.outcome, decision.reason, decision.decided_at) == ("rejected", "", moment(2, hour=16))
    work.refresh_from_db()
    assert work.status == "rejected"
    assert "Recorded the decision on" in page_text(response)


def test_a_decision_before_the_submission_is_refused(client, me, mine):
    work = factories.WorkFactory(enrollment=mine, submitted_at=moment(10))

    response = client.post(
        reverse("ledger-decision-new", args=[work.pk]), {"outcome": "approved", "decided_at": f"{days_ago(12)}T10:00"}
    )

    assert "A decision cannot come before the work was submitted." in errors_on(response, "decided_at")
    assert not ApprovalDecision.objects.exists()


# Payments


def test_recording_a_payment_starts_by_choosing_the_program(client, me, mine):
    factories.EnrollmentFactory(artist=me, program__name="Still Frames")

    response = client.get(reverse("ledger-compensation-new"))

    assert response.templates[0].name == "ledger/compensation_choose.html"
    assert "Still Frames" in page_text(response) and "Moving Pictures" in page_text(response)


def test_with_one_program_the_payment_form_opens_on_it(client, me, mine):
    response = client.get(reverse("ledger-compensation-new"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('ledger-compensation-new')}?enrollment={mine.pk}"


def test_the_payment_form_lists_that_programs_contributions_as_checkboxes(client, me, mine):
    factories.ContributionFactory(enrollment=mine, title="Weekly call", occurred_on=days_ago(9))
    factories.ContributionFactory(title="Someone else's call")

    response = client.get(reverse("ledger-compensation-new"), {"enrollment": mine.pk})

    text = page_text(response)
    assert 'type="checkbox" name="contributions"' in text
    assert f"{days_ago(9):%Y-%m-%d} · Weekly call · 2.00 h" in text
    assert "Someone else" not in text
    assert "Amount (EUR)" in text
    assert "split across the chosen contributions by hours" in text


def test_another_artists_program_cannot_be_chosen_for_a_payment(client, me, mine, enrollment):
    response = client.get(reverse("ledger-compensation-new"), {"enrollment": enrollment.pk})

    assert "Choose one of the programs in your ledger." in errors_on(response, "enrollment", "chooser")
    assert [t.name for t in response.templates][0] == "ledger/compensation_choose.html"


def test_recording_a_payment_splits_it_across_the_chosen_contributions_by_hours(client, me, mine):
    one = factories.ContributionFactory(enrollment=mine, hours_spent=Decimal("1"))
    three = factories.ContributionFactory(enrollment=mine, hours_spent=Decimal("3"))
    unpaid = factories.ContributionFactory(enrollment=mine, hours_spent=Decimal("5"))

    response = client.post(
        f"{reverse('ledger-compensation-new')}?enrollment={mine.pk}",
        {
            "kind": "cash",
            "amount": "100.00",
            "paid_on": days_ago(2),
            "note": "June",
            "contributions": [one.pk, three.pk],
        },
        follow=True,
    )

    compensation = Compensation.objects.get()
    assert (compensation.enrollment, compensation.amount, compensation.note) == (mine, Decimal("100.00"), "June")
    assert dict(compensation.allocations.values_list("contribution", "amount")) == {
        one.pk: Decimal("25.00"),
        three.pk: Decimal("75.00"),
    }
    assert response.redirect_chain == [(reverse("ledger-enrollment", args=[mine.pk]), 302)]
    assert "Recorded cash of 100.00 EUR, split across 2 contributions by hours." in page_text(response)
    totals = response.context["totals"]
    assert (totals.cash_paid, totals.unpaid_contributions, totals.unpaid_hours) == (Decimal("100.00"), 1, Decimal("5"))
    assert unpaid.allocations.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "The amount cannot be negative."),
        ({"amount": "ten euros"}, "amount", "Enter a number."),
        ({"amount": "1.005"}, "amount", "Ensure that there are no more than 2 decimal places."),
        ({"paid_on": days_ago(-2).isoformat()}, "paid_on", "This date cannot be in the future."),
        ({"kind": "exposure"}, "kind", "Select a valid choice."),
    ],
)
def test_a_bad_payment_is_refused_on_its_field(client, me, mine, overrides, field, message):
    contribution = factories.ContributionFactory(enrollment=mine)
    data = {"kind": "cash", "amount": "10", "paid_on": days_ago(1), "contributions": [contribution.pk]}

    response = client.post(f"{reverse('ledger-compensation-new')}?enrollment={mine.pk}", data | overrides)

    assert response.status_code == 200
    assert message in errors_on(response, field)
    assert message in page_text(response)
    assert compensations_state() == {"compensations": [], "allocations": []}


@pytest.mark.parametrize("owner", ["my other program", "another artist"])
def test_a_payment_cannot_pay_for_a_contribution_outside_its_program(client, me, mine, owner):
    elsewhere = factories.EnrollmentFactory(artist=me) if owner == "my other program" else None
    stray = factories.ContributionFactory(**({"enrollment": elsewhere} if elsewhere else {}))

    response = client.post(
        f"{reverse('ledger-compensation-new')}?enrollment={mine.pk}",
        {"kind": "cash", "amount": "10", "paid_on": days_ago(1), "contributions": [stray.pk]},
    )

    assert f"{stray.pk} is not one of your contributions in this program." in errors_on(response, "contributions")
    assert compensations_state() == {"compensations": [], "allocations": []}


def test_editing_a_payment_preselects_what_it_paid_for_and_replaces_it(client, me, mine):
    first = factories.ContributionFactory(enrollment=mine, hours_spent=Decimal("1"))
    second = factories.ContributionFactory(enrollment=mine, hours_spent=Decimal("1"))
    compensation = record_compensation(
        enrollment=mine, kind="cash", amount="30", paid_on=days_ago(3), contributions=[first]
    )
    url = reverse("ledger-compensation-edit", args=[compensation.pk])

    assert client.get(url).context["form"]["contributions"].value() == [first.pk]

    response = client.post(
        url, {"kind": "stipend", "amount": "40", "paid_on": days_ago(2), "contributions": [first.pk, second.pk]}
    )

    assert response.status_code == 302
    compensation.refresh_from_db()
    assert (compensation.kind, compensation.amount, compensation.paid_on) == ("stipend", Decimal("40.00"), days_ago(2))
    assert dict(compensation.allocations.values_list("contribution", "amount")) == {
        first.pk: Decimal("20.00"),
        second.pk: Decimal("20.00"),
    }


def test_a_bad_payment_edit_changes_nothing(client, me, mine):
    contribution = factories.ContributionFactory(enrollment=mine)
    compensation = record_compensation(
        enrollment=mine, kind="cash", amount="30", paid_on=days_ago(3), contributions=[contribution]
    )
    before = compensations_state()

    response = client.post(
        reverse("ledger-compensation-edit", args=[compensation.pk]),
        {"kind": "cash", "amount": "-1", "paid_on": days_ago(3), "contributions": [contribution.pk]},
    )

    assert "The amount cannot be negative." in errors_on(response, "amount")
    assert compensations_state() == before


def test_deleting_a_payment_says_what_becomes_unpaid(client, me, mine):
    contribution = factories.ContributionFactory(enrollment=mine, title="Weekly call")
    compensation = record_compensation(
        enrollment=mine, kind="cash", amount="30", paid_on=days_ago(3), contributions=[contribution]
    )
    url = reverse("ledger-compensation-delete", args=[compensation.pk])

    confirm = page_text(client.get(url))

    assert "Weekly call" in confirm and "become unpaid again" in confirm

    response = client.post(url, follow=True)

    assert not Compensation.objects.exists()
    assert "Deleted the cash of 30.00 EUR." in page_text(response)
    assert response.context["totals"].unpaid_contributions == 1


def test_the_payments_list_shows_what_each_paid_for_and_is_paginated(client, me, mine, django_assert_max_num_queries):
    contribution = factories.ContributionFactory(enrollment=mine, title="Weekly call")
    record_compensation(enrollment=mine, kind="credits", amount="5", paid_on=days_ago(1), contributions=[contribution])
    for _ in range(29):
        factories.CompensationFactory(enrollment=mine, paid_on=days_ago(10))

    with django_assert_max_num_queries(10):
        first = client.get(reverse("ledger-compensations"))

    text = page_text(first)
    assert "Weekly call" in text and "Credits" in text and "not pay" in text
    assert len(first.context["pager"].page) == 25
    assert len(client.get(reverse("ledger-compensations"), {"page": 2}).context["pager"].page) == 5
