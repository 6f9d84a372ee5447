from tests import factories


def test_home_page_lists_programs_and_hides_small_groups(client, db, settings):
    settings.MIN_GROUP_SIZE = 3
    big = factories.ProgramFactory(name="Big Preview")
    small = factories.ProgramFactory(name="Tiny Preview")
    for _ in range(3):
        factories.ContributionFactory(enrollment=factories.EnrollmentFactory(program=big), hours_spent="5")
    factories.ContributionFactory(enrollment=factories.EnrollmentFactory(program=small), hours_spent="7")

    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Big Preview" in page and "Tiny Preview" in page
    rows = {row.program.name: row for row in response.context["rows"]}
    assert rows["Big Preview"].hours == 15
    assert rows["Big Preview"].testers_active == 3
    assert rows["Tiny Preview"].hours is None
    assert "Fewer than 3 artists have logged work here" in page


def test_home_page_explains_when_there_are_no_programs(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No programs are listed yet" in response.content.decode()


def test_a_proposed_program_is_not_shown_until_staff_list_it(client, db):
    factories.ProgramFactory(name="Secret Proposal", is_listed=False)

    page = client.get("/").content.decode()

    assert "Secret Proposal" not in page
    assert "No programs are listed yet" in page
