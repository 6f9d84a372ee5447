"""The Following page in Chromium: an advocate signs in, follows two programs from their
pages, opens "Following" from the menu and sees both, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.jobs.helpers import log_work, make_program, make_tester, on, pay
from tracker.models import Follow

pytestmark = pytest.mark.browser


@pytest.fixture
def two_programs(arithmetic_only):
    programs = []
    for slug, name, hours in (("lumen", "Lumen Video Preview", "3.00"), ("quill", "Quill Voice Beta", "5.50")):
        program = make_program(slug=slug, name=name)
        for _ in range(3):
            tester = make_tester(program)
            contribution = log_work(tester, on("2026-03-02"), hours=hours)
            pay(tester, [contribution], on("2026-03-20"), amount="30.00")
        programs.append(program)
    factories.UserFactory(username="advocate", email="advocate@example.org")
    return programs


def test_an_advocate_follows_two_programs_and_sees_them_on_the_following_page(page, screenshot, two_programs):
    page.goto("/accounts/login/?next=/")
    page.get_by_label("Username").fill("advocate")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")

    for program in two_programs:
        page.goto(f"/programs/{program.slug}/")
        page.get_by_role("button", name=f"Follow {program.name}").click()
        page.wait_for_url(f"**/programs/{program.slug}/")
        expect(page.get_by_text(f"You follow {program.name}", exact=False).first).to_be_visible()
    assert Follow.objects.filter(user__username="advocate").count() == 2

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Following").click()
    page.wait_for_url("**/following/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Following")
    cards = page.locator("li.followed")
    expect(cards).to_have_count(2)
    for program in two_programs:
        card = page.locator(f"#follow-{program.slug}")
        expect(card.get_by_role("link", name=program.name)).to_be_visible()
        expect(card).to_contain_text("Since you followed it")
    expect(page.locator("#follow-quill")).to_contain_text("16.5 h")
    screenshot("following-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(cards).to_have_count(2)
    expect(page.locator("#follow-lumen")).to_contain_text("Nothing new.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("following-375")
