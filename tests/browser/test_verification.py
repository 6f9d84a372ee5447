from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from programs.models import Enrollment
from tests import factories
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n% The invitation to the Moving Pictures Preview\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def log_in(page, username: str, then: str) -> None:
    page.goto(f"/accounts/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def test_an_artist_sends_evidence_a_reviewer_verifies_it_and_the_artist_sees_verified(
    page, browser, live_server, screenshot, settings, tmp_path
):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    enrollment = factories.EnrollmentFactory(
        program__name="Moving Pictures Preview",
        program__organization__name="Frontier Labs",
        artist__handle="mira_paints",
        artist__user__username="mira",
        verification=Enrollment.Verification.UNVERIFIED,
    )
    reviewer = factories.UserFactory(username="union-rep", is_staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="verify_enrollment"))
    # Four verified testers and Mira logged work: until Mira is verified, four are too few.
    for tester in [*factories.EnrollmentFactory.create_batch(4, program=enrollment.program), enrollment]:
        factories.ContributionFactory(enrollment=tester, hours_spent="2.00")
    program_page = f"/programs/{enrollment.program.slug}/"
    page.goto(program_page)
    expect(page.get_by_text("Figures hidden")).to_be_visible()

    # The artist sees that their program is not verified yet and why it matters.
    log_in(page, "mira", f"/me/programs/{enrollment.pk}/")
    verification = page.get_by_role("region", name="Verification")
    expect(verification).to_contain_text("Unverified")
    verification.get_by_role("link", name="Show that you were a tester").click()
    expect(page.get_by_role("heading", name="Show that you were a tester")).to_be_visible()
    expect(page.get_by_text("Only verified testers count in the public figures")).to_be_visible()
    expect(page.get_by_text("The program never sees your evidence.")).to_be_visible()

    # A file whose content is not what its name says is refused on its field.
    page.get_by_label("What this shows").fill("The invitation email of 12 March")
    page.get_by_label("File").set_input_files({"name": "invitation.pdf", "mimeType": "application/pdf", "buffer": PNG})
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("alert")).to_contain_text("This file's content is not a PDF")
    screenshot("verification-evidence-error")

    page.get_by_label("File").set_input_files({"name": "invitation.pdf", "mimeType": "application/pdf", "buffer": PDF})
    screenshot("verification-evidence-form")
    page.get_by_role("button", name="Send for review").click()

    expect(page.get_by_text("Thank you: a reviewer will look at your evidence.")).to_be_visible()
    verification = page.get_by_role("region", name="Verification")
    expect(verification).to_contain_text("Pending review")
    expect(verification.get_by_role("link", name="invitation.pdf")).to_be_visible()
    screenshot("verification-pending")

    # A reviewer (staff, not a superuser, with only the permission) verifies it in the admin.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.set_default_timeout(10_000)
    log_in(admin, "union-rep", "/admin/")
    admin.get_by_role("link", name="Verification queue").click()
    row = admin.get_by_role("row").filter(has_text="mira_paints")
    expect(row).to_contain_text("Pending review")
    row.get_by_role("link", name="mira_paints").click()
    expect(admin.get_by_text("The invitation email of 12 March")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "verification-admin-evidence.png"), full_page=True)
    with admin.expect_download() as download:
        admin.get_by_role("link", name="invitation.pdf").click()
    assert download.value.suggested_filename == "invitation.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    admin.go_back()
    row = admin.get_by_role("row").filter(has_text="mira_paints")
    row.get_by_role("checkbox").check()
    admin.locator("select[name=action]").select_option(label="Verify selected enrollments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.get_by_text("Verified 1 enrollment(s).")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text="mira_paints")).to_contain_text("Verified")
    admin.screenshot(path=str(ARTIFACTS / "verification-admin.png"), full_page=True)
    context.close()

    # The artist sees Verified on the program's page and on the overview.
    page.reload()
    expect(page.get_by_role("region", name="Verification")).to_contain_text("Verified")
    expect(page.get_by_text("A reviewer checked your evidence")).to_be_visible()
    screenshot("verification-verified")
    page.get_by_role("link", name="Your ledger", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Moving Pictures Preview")
    expect(row.get_by_role("cell").last).to_have_text("Verified")
    screenshot("verification-ledger")

    # With Mira verified, five artists are behind the program's figures: they are published.
    page.goto(program_page)
    expect(page.get_by_text("Figures hidden")).to_have_count(0)
    expect(page.get_by_role("region", name="Key figures")).to_contain_text("10")
    screenshot("verification-program-figures")
