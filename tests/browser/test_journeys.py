"""What people do on the site, end to end in Chromium: staff search, project managers register and publish, the
ministry follows progress, and visitors are kept out of what is for the network only."""

import re

import pytest
from openpyxl import load_workbook

from tests.browser.helpers import SCREENSHOTS, log_in, log_in_admin, screenshot


def test_staff_member_searches_narrows_by_two_facets_and_opens_the_experiment(page, site):
    log_in(page, "medarbejder-ballerup")
    page.goto("/soeg/")
    page.locator("main").get_by_role("searchbox").fill("familierne")
    page.locator("main").get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r"/soeg/\?.*q=familierne"))
    results = page.locator("main .results")
    assert "Én plan for familier med en ledig forælder" in results.inner_text()

    # Facets are labelled checkboxes; the form is sent again with each choice.
    page.get_by_role("checkbox", name=re.compile(r"^Helsingør")).check()
    page.locator("main form[role=search] button[type=submit]").last.click()
    page.wait_for_load_state()
    page.get_by_role("checkbox", name=re.compile(r"^Familier med børn")).check()
    page.locator("main form[role=search] button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.get_by_role("checkbox", name=re.compile(r"^Helsingør")).is_checked()
    assert page.get_by_role("checkbox", name=re.compile(r"^Familier med børn")).is_checked()
    hits = page.locator("main .results li")
    assert hits.count() == 1
    screenshot(page, "1-soegning-med-to-filtre")

    hits.first.get_by_role("link").click()
    page.wait_for_url(f"**{site.family_plan.url}")
    assert page.get_by_role("heading", level=1).inner_text() == "Én plan for familier med en ledig forælder"
    screenshot(page, "1-soegning-forsoeget")


@pytest.mark.django_db(transaction=True)  # it publishes a page: a site of its own, emptied afterwards
def test_project_manager_registers_experiment_and_coordinator_publishes_it(page, browser, site):
    log_in_admin(page, "projektleder-helsingor")
    page.goto(f"/admin/pages/add/experiments/experimentpage/{site.helsingor.pk}/")
    page.locator("#id_title").fill("Fælles plan for borgere i ressourceforløb")
    page.get_by_role("tab", name="Promover").click()
    page.locator("#id_slug").fill("faelles-plan-ressourceforloeb")
    page.get_by_role("tab", name="Indhold").click()
    page.locator("#id_summary").fill("Borgere i ressourceforløb får én plan på tværs af jobcenter og sundhed.")
    for index, reference in enumerate(["SEL § 140, stk. 3", "LAB § 30"]):
        page.locator("#id_exemption_requests-ADD").click()
        page.locator(f"#id_exemption_requests-{index}-reference").fill(reference)
    screenshot(page, "2-projektleder-opretter-forsoeg")

    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-submit']").click()
    page.wait_for_url(f"**/admin/pages/{site.helsingor.pk}/")
    assert page.get_by_role("link", name="Fælles plan for borgere i ressourceforløb").is_visible()
    screenshot(page, "2-sendt-til-godkendelse")

    from experiments.models import ExperimentPage

    draft = ExperimentPage.objects.get(slug="faelles-plan-ressourceforloeb")
    experiment_id = draft.pk
    assert not draft.live
    assert draft.current_workflow_state and draft.current_workflow_state.status == "in_progress"
    references = sorted(
        request.provision.reference_text for request in draft.get_latest_revision_as_object().exemption_requests.all()
    )
    assert references == ["LAB § 30", "SEL § 140, stk. 3"]

    # Helsingør's coordinator approves the moderation task, which publishes the page.
    coordinator = browser.new_context(base_url=site.url, locale="da-DK", viewport={"width": 1280, "height": 900})
    try:
        coordinator_page = coordinator.new_page()
        log_in_admin(coordinator_page, "koordinator-helsingor")
        coordinator_page.goto(f"/admin/pages/{experiment_id}/edit/")
        coordinator_page.locator("footer [data-w-dropdown-target='toggle']").first.click()
        coordinator_page.locator(
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
        ).click()
        coordinator_page.wait_for_load_state()
        screenshot(coordinator_page, "2-koordinator-godkender")

        draft.refresh_from_db()
        assert draft.live
        coordinator_page.goto(site.helsingor.url)
        assert coordinator_page.get_by_role("link", name="Fælles plan for borgere i ressourceforløb").is_visible()
        screenshot(coordinator_page, "2-forsoeget-paa-kommunesiden")
        coordinator_page.goto("/soeg/?q=ressourceforløb")
        assert "Fælles plan for borgere i ressourceforløb" in coordinator_page.locator("main").inner_text()
    finally:
        coordinator.close()


def test_project_manager_cannot_edit_another_municipalitys_experiment(page, site):
    log_in_admin(page, "projektleder-helsingor")
    page.goto(f"/admin/pages/{site.family_plan.pk}/edit/")
    assert page.locator("#id_title").input_value() == site.family_plan.title

    page.goto(f"/admin/pages/{site.youth.pk}/edit/")
    assert f"/admin/pages/{site.youth.pk}/edit/" not in page.url
    assert page.locator("#id_title").count() == 0
    screenshot(page, "3-afvist-i-hilleroed")
    assert page.get_by_text(re.compile("ikke rettigheder til at tilgå")).first.is_visible()


def test_ministry_filters_progress_by_municipality_and_downloads_the_export(page, site):
    log_in(page, "ministeriet", next_path="/fremdrift/")
    page.wait_for_url("**/fremdrift/")
    page.get_by_label("Kommune", exact=True).select_option(label="Helsingør")
    page.locator("main").get_by_role("button", name="Vis").click()
    page.wait_for_url(re.compile(r"/fremdrift/\?"))
    assert page.get_by_label("Kommune", exact=True).locator("option:checked").inner_text() == "Helsingør"
    screenshot(page, "4-fremdrift-helsingoer")

    with page.expect_download() as download_info:
        page.locator("main").get_by_role("link", name=re.compile("XLSX")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = SCREENSHOTS / download.suggested_filename
    download.save_as(path)
    cells = {cell.value for row in load_workbook(path).active.iter_rows() for cell in row}
    assert "Én plan for familier med en ledig forælder" in cells


def test_visitor_is_sent_to_login_from_a_network_only_experiment(page, site):
    page.goto(site.network_only.url)
    assert "/log-ind/" in page.url
    assert "Fælles møde uden samtykke" not in page.content()
    assert page.get_by_role("heading", level=1).inner_text() == "Log ind"
    screenshot(page, "5-kun-for-netvaerket")

    page.get_by_label("Brugernavn").fill("medarbejder-ballerup")
    page.get_by_label("Adgangskode").fill("browser-test-password-1")
    page.locator("main").get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"**{site.network_only.url}")
    assert page.get_by_role("heading", level=1).inner_text() == "Fælles møde uden samtykke"
