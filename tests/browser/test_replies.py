"""The right of reply in Chromium: a representative of the organization signs in, replies to
the program's figures on its page, and sees the reply beside them, dated, while the figures
shown are exactly as before."""

import pytest
from playwright.sync_api import expect

from tests.api.stats_world import build_world
from tests.replies_world import build_reply_world, open_finding

pytestmark = pytest.mark.browser


def test_a_representative_replies_beside_the_figures_which_stay_unchanged(page, screenshot, arithmetic_only):
    stats = build_world()
    world = build_reply_world(program=stats.program)
    open_finding(stats.program, kind="mass_revocation")
    program_url = f"/programs/{stats.program.slug}/"

    page.goto(f"/accounts/login/?next={program_url}")
    page.get_by_label("Username").fill(world.representative.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{program_url}")

    figures = page.locator("section[aria-labelledby=figures-heading]")
    score = page.locator("section[aria-labelledby=score-heading]")
    expect(figures).to_contain_text("Fairness score")
    figures_before, score_before = figures.inner_text(), score.inner_text()
    replies = page.locator("section#replies")
    expect(replies.get_by_role("heading", name="Replies from Canvas Co")).to_be_visible()
    expect(replies).to_contain_text("No replies from Canvas Co.")

    form = page.get_by_role("form", name="Reply as Canvas Co")
    form.get_by_label("Reply to").select_option(label="The program's figures")
    form.get_by_label("Your reply").fill("Two of the unpaid contributions were paid by bank transfer in May.")
    form.get_by_role("button", name="Publish the reply").click()
    page.wait_for_url(f"**{program_url}#replies")

    expect(page.locator(".messages")).to_contain_text("Your reply is published")
    expect(replies).to_contain_text("Two of the unpaid contributions were paid by bank transfer in May.")
    expect(replies).to_contain_text("In reply to the program's figures")
    expect(replies).to_contain_text("Canvas Co, posted ")
    expect(replies.get_by_role("link", name="Edit your reply")).to_be_visible()
    assert world.representative.username not in replies.inner_text()
    # The figures are the same, word for word.
    assert figures.inner_text() == figures_before
    assert score.inner_text() == score_before
    screenshot("replies-program")
    replies.screenshot(path=str(screenshot("replies-program").with_name("replies-section.png")))
