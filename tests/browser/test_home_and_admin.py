import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_visitor_sees_programs_on_the_home_page(page, screenshot, settings):
    settings.MIN_GROUP_SIZE = 2
    program = factories.ProgramFactory(name="Moving Pictures Preview", organization__name="Frontier Labs")
    # Three artists: with two, two artists would hold all the hours (the dominance rule).
    for _ in range(3):
        factories.ContributionFactory(enrollment=factories.EnrollmentFactory(program=program), hours_spent="3.5")
    factories.ProgramFactory(name="Quiet Beta")

    page.goto("/")

    table = page.get_by_role("table")
    row = table.get_by_role("row").filter(has_text="Moving Pictures Preview")
    assert "Frontier Labs" in row.inner_text()
    # The program name is the row header, so cells are counted after it.
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    hours_column = next(i for i, h in enumerate(headers) if h.startswith("Hours"))
    assert row.get_by_role("cell").nth(hours_column - 1).inner_text().strip() == "10"  # 10.5, rounded in the table
    assert "figures are hidden to protect them" in table.get_by_role("row").filter(has_text="Quiet Beta").inner_text()
    assert screenshot("home").exists()


def test_staff_logs_in_and_finds_a_program_in_the_admin(page, screenshot):
    factories.UserFactory(username="curator", is_staff=True, is_superuser=True)
    factories.ProgramFactory(name="Moving Pictures Preview")

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Admin").click()
    page.locator("#content-main").get_by_role("link", name="Programs", exact=True).last.click()

    expect(page.get_by_role("link", name="Moving Pictures Preview")).to_be_visible()
    screenshot("admin-programs")


def test_wrong_password_shows_an_error(page):
    factories.UserFactory(username="curator")

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert").first).to_contain_text("enter a correct username and password")


def test_after_five_wrong_passwords_the_login_page_says_the_account_is_locked(page, screenshot):
    factories.UserFactory(username="curator")

    page.goto("/accounts/login/")
    for attempt in range(5):
        page.get_by_label("Username").fill("curator")
        page.get_by_label("Password").fill(f"not-the-password-{attempt}")
        page.get_by_role("button", name="Log in").click()
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert").first).to_contain_text(
        "Too many failed sign-ins for this account from this address; try again in 15 minutes"
    )
    expect(page.get_by_role("link", name="Log in")).to_be_visible()  # still signed out
    screenshot("login-locked-out")
