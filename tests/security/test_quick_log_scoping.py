"""The quick log (/me/log/) writes only to the signed-in artist's own programs and shows only
their own records. The attacker here holds an account (the company can open one) and edits
the form's POST or the page's address by hand."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Contribution
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("quick-log")


@pytest.fixture
def victim():
    enrollment = factories.EnrollmentFactory(program__name="Moving Pictures Preview")
    factories.ContributionFactory(enrollment=enrollment, title="Secret storyboard crash")
    return enrollment


@pytest.fixture
def attacker():
    artist = factories.ArtistFactory(user__username="company_sock")
    factories.EnrollmentFactory(artist=artist, program__name="Own Beta")
    return artist


def test_a_tampered_post_cannot_log_to_another_artists_enrollment(client, victim, attacker):
    client.force_login(attacker.user)
    before = Contribution.objects.count()

    response = client.post(
        URL,
        {
            "enrollment": victim.pk,
            "hours": "1",
            "occurred_on": timezone.localdate().isoformat(),
            "kind": "promotion",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["enrollment"] == ["Choose one of the programs in your ledger."]
    assert Contribution.objects.count() == before
    assert "Moving Pictures Preview" not in response.content.decode()


def test_the_edit_and_undo_links_never_name_another_artists_contribution(client, victim, attacker):
    theirs = victim.contributions.get()
    client.force_login(attacker.user)

    html = client.get(f"{URL}?logged={theirs.pk}").content.decode()

    assert "Secret storyboard crash" not in html
    assert reverse("ledger-contribution-edit", args=[theirs.pk]) not in html
    assert reverse("ledger-contribution-delete", args=[theirs.pk]) not in html


def test_the_preselected_program_is_never_another_artists(client, victim, attacker):
    """The victim logged most recently; the attacker's page starts on the attacker's own program."""
    client.force_login(attacker.user)

    response = client.get(URL)

    own = attacker.enrollments.get()
    assert response.context["form"]["enrollment"].value() == own.pk
    assert [str(choice.data["value"]) for choice in response.context["form"]["enrollment"]] == [str(own.pk)]
