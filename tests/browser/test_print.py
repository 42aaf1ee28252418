"""On paper an experiment reads like a frikommunevedtægt: its content in order, no navigation, search or footer."""

from tests.browser.helpers import SCREENSHOTS, screenshot


def test_experiment_prints_without_navigation_in_the_order_of_a_frikommunevedtaegt(page, site):
    page.goto(site.family_plan.url)
    page.emulate_media(media="print")

    for hidden in ("nav[aria-label='Hovedmenu']", "footer", ".skipnav", "button", "nav.breadcrumbs"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} is printed"
    assert page.get_by_text("Frikommuneforsøg i Helsingør Kommune").is_visible()

    headings = page.locator("main h2").all_inner_texts()
    order = ["Forsøgsindhold", "Målgruppe", "Paragraffritagelser", "Resultater og læring"]
    assert [heading for heading in headings if heading in order] == order
    facts = page.locator("main dl.fact-list").inner_text()
    assert "Forsøgsperiode" in facts and "1. november 2017 – 30. juni 2021" in facts
    assert "Forsøgsbeslutning" in facts and "28. september 2017" in facts
    exemptions = page.locator("main table").first.inner_text()
    assert "SEL § 140" in exemptions and "imødekommet" in exemptions

    screenshot(page, "print-forsoeg")
    page.pdf(path=str(SCREENSHOTS / "print-forsoeg.pdf"), format="A4", print_background=False)
    assert (SCREENSHOTS / "print-forsoeg.pdf").stat().st_size > 10_000
