"""No public page links to an organization page that does not exist: the organization of
every listed program has its page, including one first named in an artist's proposal."""

import re

import pytest
from django.test import Client

from programs.selectors import listed_organizations, listed_programs
from programs.services import approve_programs, propose_program
from tests import factories

pytestmark = pytest.mark.django_db


def organization_links(page: str) -> set[str]:
    return set(re.findall(r'href="(/organizations/[^"/]+/)"', page))


@pytest.fixture
def world(db):
    artist = factories.ArtistFactory()
    # A proposal names a company the tracker did not know: it waits for staff, unlisted.
    pending = propose_program(artist=artist, name="Dream Reel Beta", organization_name="Lumen Labs")
    # Staff then add a program of that company themselves (the admin lists it at once).
    factories.ProgramFactory(name="Lumen Studio Preview", slug="lumen-studio", organization=pending.organization)
    # A proposal staff approved: listed with its company.
    approved = propose_program(artist=artist, name="Sound Seed", organization_name="Northwind Audio")
    approve_programs(programs=[approved])
    factories.ProgramFactory(name="Canvas Preview", slug="canvas", organization__name="Quillstone")
    return pending


def test_every_organization_link_on_the_landing_and_program_pages_leads_to_a_page(world):
    client = Client()
    pages = ["/"] + [f"/programs/{program.slug}/" for program in listed_programs()]
    links = set()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        links |= organization_links(response.content.decode())

    assert f"/organizations/{world.organization.slug}/" in links
    assert len(links) == 3
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


def test_an_organization_known_only_from_a_pending_proposal_stays_hidden(world):
    hidden = propose_program(artist=world.proposed_by, name="Night Loom", organization_name="Secret Co").organization

    assert hidden not in listed_organizations()
    assert Client().get(f"/organizations/{hidden.slug}/").status_code == 404
    assert "Secret Co" not in Client().get("/").content.decode()


def test_the_page_of_an_organization_named_in_a_proposal_pools_only_its_listed_programs(world):
    page = Client().get(f"/organizations/{world.organization.slug}/").content.decode()

    assert "Lumen Studio Preview" in page
    assert "Dream Reel Beta" not in page
