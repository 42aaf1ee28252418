"""The search page at a glance: the first hit in view on a wide screen and on a phone, however many filters there are;
"Vis alle" and "Filtrér" by mouse and keyboard; filters that apply on change with JavaScript and by a button without."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import build_site
from tests.browser.helpers import SCREENSHOTS, log_in, screenshot
from tests.browser.test_accessibility import axe_violations, format_violations
from tests.search.conftest import experiment

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
QUERY = "/soeg/?q=unge"

# Eight more experiments about young people, each in its own municipality with its own tags and provisions, so that
# every facet of the query has more values than the page shows at once.
CROWD = [
    ("allerod", "SEL § 52", ["mentor", "uddannelse"]),
    ("ballerup", "SEL § 76", ["efterværn", "bolig"]),
    ("fredensborg", "LAB § 30", ["job", "virksomhed"]),
    ("frederikssund", "LAB § 27", ["motivation", "skole"]),
    ("furesoe", "SEL § 140", ["familie", "misbrug"]),
    ("gribskov", "SEL § 141", ["psykiatri", "trivsel"]),
    ("halsnaes", "LAB § 40", ["fritid", "netværk"]),
    ("helsingor", "SEL § 54", ["kontaktperson", "praktik"]),
]


def build_crowded_site(url):
    crowded = build_site(url)
    for number, (municipality, reference, tags) in enumerate(CROWD, start=1):
        experiment(
            municipality,
            title=f"Unge i fokus {number}",
            summary="Unge uden uddannelse får én plan og én kontaktperson.",
            exemptions=[reference],
            tags=tags,
        )
    return crowded


@pytest.fixture
def site(committed_server, committed_data, django_db_blocker):
    """The journeys' site plus the crowd, committed as a data set of its own so that no other module sees the crowd."""
    crowded = committed_data.use("search-layout", lambda: build_crowded_site(committed_server.url))
    with django_db_blocker.unblock():
        yield crowded


def first_hit_box(page):
    title = page.locator("li.hit h3 a").first
    title.wait_for()
    return title.bounding_box()


def in_view(page, box) -> bool:
    return box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def save_view(page, name):
    """The first screenful, as a reader sees it without scrolling (the helper saves the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    screenshot(page, f"{name}-hel-side")


@pytest.mark.parametrize("path", [QUERY, "/forsoeg/"])
def test_on_a_wide_screen_the_first_hit_sits_beside_the_filters_in_view(page, path):
    page.set_viewport_size(WIDE)
    page.goto(path)
    box = first_hit_box(page)
    assert in_view(page, box), f"the first hit's title ends at y={box['y'] + box['height']}, below the first screen"
    filters = page.locator(".search-layout__filters").bounding_box()
    assert box["x"] > filters["x"] + filters["width"], "the hits are not beside the filters"
    assert page.locator("#facet-panel > summary").is_hidden()
    name = "soeg-layout-1280" if path == QUERY else "forsoeg-layout-1280"
    save_view(page, name)
    assert not page.javascript_errors, page.javascript_errors


@pytest.mark.parametrize("path", [QUERY, "/forsoeg/"])
def test_on_a_phone_the_hits_come_first_and_the_filters_fold_behind_filtrer(page, path):
    page.set_viewport_size(PHONE)
    page.goto(path)
    box = first_hit_box(page)
    assert in_view(page, box), f"the first hit's title ends at y={box['y'] + box['height']}, below the first screen"
    assert page.locator(".facets").is_hidden()
    name = "soeg-layout-375" if path == QUERY else "forsoeg-layout-375"
    save_view(page, name)
    assert not page.javascript_errors, page.javascript_errors


def test_every_facet_has_more_values_than_it_shows_for_this_query(page):
    """The query the two tests above measure is a hard one: the tags and the provisions each overflow."""
    page.goto(QUERY)
    for param in ("tag", "paragraf", "kommune"):
        facet = page.locator(f'fieldset[data-facet="{param}"]')
        assert facet.locator(".facet-more").count() == 1, f"{param} has no »Vis alle«"


def test_vis_alle_reveals_the_rest_of_a_facet_by_mouse_and_by_keyboard(page):
    page.set_viewport_size(WIDE)
    page.goto(QUERY)
    tags = page.locator('fieldset[data-facet="tag"]')
    more = tags.locator(".facet-more > summary")
    total = int(re.search(r"Vis alle \((\d+)\)", more.inner_text()).group(1))
    assert total == tags.locator("input[type=checkbox]").count() > 5
    hidden = tags.locator(".facet-more input[type=checkbox]")
    assert hidden.count() == total - 5
    assert hidden.first.is_hidden()
    more.click()
    assert hidden.first.is_visible() and hidden.last.is_visible()
    assert more.inner_text().strip() == "Vis færre"
    more.click()
    assert hidden.first.is_hidden()

    provisions = page.locator('fieldset[data-facet="paragraf"]')
    provisions.locator(".facet-more > summary").focus()
    page.keyboard.press("Enter")
    assert provisions.locator(".facet-more input[type=checkbox]").last.is_visible()


def test_on_a_phone_filtrer_opens_the_filters_by_keyboard(page):
    page.set_viewport_size(PHONE)
    page.goto(QUERY)
    toggle = page.locator("#facet-panel > summary")
    assert toggle.is_visible() and toggle.inner_text().startswith("Filtrér")
    for _ in range(40):
        page.keyboard.press("Tab")
        if toggle.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached »Filtrér«")
    page.keyboard.press("Enter")
    first = page.locator('fieldset[data-facet="kommune"] input[type=checkbox]').first
    assert first.is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.facets') !== null")
    screenshot(page, "soeg-filtrer-aaben-375")


def test_with_javascript_a_filter_applies_on_change_and_keeps_focus(page):
    page.set_viewport_size(WIDE)
    page.goto(QUERY)
    before = page.locator("#results-heading").inner_text()
    assert page.locator("button[data-without-js]").first.is_hidden()
    box = page.locator('fieldset[data-facet="kommune"] input[value="helsingor"]')
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"kommune=helsingor"))
    expect(page.locator("#search-status")).to_have_text(re.compile(r"\d+ resultat"))
    after = page.locator("#results-heading").inner_text()
    assert after != before
    assert page.locator("#search-status").inner_text().strip() == after.strip()
    assert page.evaluate("document.activeElement.value") == "helsingor"
    assert page.locator('fieldset[data-facet="kommune"] input[value="helsingor"]').is_checked()
    assert page.get_by_text("Kommune: Helsingør").is_visible()
    # A form beside the count that saves the search saves the search now shown.
    for saved in page.locator('.results-bar input[type=hidden][name="query"]').all():
        assert "kommune=helsingor" in saved.evaluate("field => field.value")
    assert not page.javascript_errors, page.javascript_errors


def test_without_javascript_the_filters_submit_with_a_button(browser, site):
    context = browser.new_context(base_url=site.url, locale="da-DK", viewport=WIDE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(QUERY)
        page.locator('fieldset[data-facet="kommune"] input[value="helsingor"]').check()
        page.get_by_role("button", name="Opdatér").click()
        page.wait_for_load_state()
        params = parse_qs(urlsplit(page.url).query)
        assert params["q"] == ["unge"] and params["kommune"] == ["helsingor"]
        assert page.locator('fieldset[data-facet="kommune"] input[value="helsingor"]').is_checked()

        page.set_viewport_size(PHONE)
        page.goto(QUERY)
        # Open without the script that folds them, the filters follow the hits on a phone.
        assert in_view(page, first_hit_box(page))
        screenshot(page, "soeg-uden-javascript-375")
    finally:
        context.close()


@pytest.fixture
def axe_page(browser, site):
    """A page whose Content-Security-Policy lets axe-core's script in (the site's own allows no inline script)."""
    context = browser.new_context(base_url=site.url, locale="da-DK", viewport=WIDE, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.javascript_errors = errors
    yield page
    context.close()


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonym", "logget-ind"])
def test_search_and_home_pass_axe_at_both_widths(axe_page, logged_in):
    page = axe_page
    if logged_in:
        log_in(page, "medarbejder-ballerup")
    failures = {}
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        for path in ("/", QUERY, "/forsoeg/"):
            page.goto(path)
            violations = axe_violations(page)
            if violations:
                failures[f"{path} at {size['width']}px"] = format_violations(violations)
        # The folded filters and an opened "Vis alle" as well.
        page.goto(QUERY)
        if size is PHONE:
            page.locator("#facet-panel > summary").click()
        page.locator(".facet-more > summary").first.click()
        violations = axe_violations(page)
        if violations:
            failures[f"{QUERY} opened at {size['width']}px"] = format_violations(violations)
    assert not failures, "WCAG violations:\n" + "\n".join(f"{where}\n{text}" for where, text in failures.items())
    assert not page.javascript_errors, page.javascript_errors


def test_the_keyboard_can_skip_the_filters_to_the_hits(page):
    page.set_viewport_size(WIDE)
    page.goto(QUERY)
    page.locator("#search-q").focus()
    skip = page.get_by_role("link", name="Spring filtrene over")
    for _ in range(5):
        page.keyboard.press("Tab")
        if skip.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("»Spring filtrene over« is not among the first Tab stops after the search field")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('li.hit') !== null"):
            break
    else:
        pytest.fail("Tab after »Spring filtrene over« does not reach the first hit within five stops")
    assert page.evaluate("document.activeElement.closest('.facets') === null")
