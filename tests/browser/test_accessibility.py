"""WCAG 2.1 A and AA, checked by axe-core in Chromium on every page type, for visitors and for logged-in staff."""

import pytest

from tests.browser.helpers import AXE_SCRIPT, log_in, screenshot

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def public_pages(site) -> dict[str, str]:
    provision = site.family_plan.exemption_requests.first().provision
    return {
        "forside": "/",
        "kommuner": "/kommuner/",
        "kommune": site.helsingor.url,
        "forsoeg": site.family_plan.url,
        "viden": "/viden/",
        "artikel": site.article.url,
        "log-ind": "/log-ind/",
        "tilgaengelighed": "/tilgaengelighed/",
        "side-findes-ikke": "/findes-ikke/",
        "soeg": "/soeg/?q=plan",
        "soeg-filtreret": "/soeg/?q=plan&kommune=helsingor",
        "fremdrift": "/fremdrift/",
        "paragraffer": "/paragraffer/",
        "paragraf": f"/paragraffer/{provision.pk}/",
    }


def format_violations(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def axe_violations(page):
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return result["violations"]


def check_pages(page, site, state: str):
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `make install` (npm ci copies axe-core there)"
    failures = {}
    for name, path in public_pages(site).items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "da"
        # Every page: the skip link first, one main landmark, and the accessibility statement in the footer.
        assert page.locator("body a").first.get_attribute("href") == "#main-content"
        assert page.locator("main#main-content").count() == 1
        statement = page.locator("footer").get_by_role("link", name="Tilgængelighedserklæring")
        assert statement.get_attribute("href") == "/tilgaengelighed/"
        violations = axe_violations(page)
        if violations:
            failures[f"{path} ({state})"] = format_violations(violations)
        screenshot(page, f"axe-{state}-{name}")
    assert not failures, "WCAG violations:\n" + "\n".join(f"{where}\n{text}" for where, text in failures.items())
    assert not page.javascript_errors, page.javascript_errors


def test_every_page_type_passes_axe_for_a_visitor(page, site):
    check_pages(page, site, "anonym")


def test_every_page_type_passes_axe_for_logged_in_staff(page, site):
    log_in(page, "medarbejder-ballerup")
    check_pages(page, site, "logget-ind")
    page.goto(site.network_only.url)
    assert not axe_violations(page)


@pytest.mark.parametrize("width", [375])
def test_phone_width_pages_pass_axe(page, site, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/", site.family_plan.url):
        page.goto(path)
        violations = axe_violations(page)
        assert not violations, format_violations(violations)
    screenshot(page, "mobil-forsoeg")


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
            return {
                tag: element.tagName.toLowerCase(), type: element.type || "", name: element.name || "",
                id: element.id, text: (element.innerText || "").trim(), label: label.trim(),
                inResults: !!element.closest(".results"),
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== "none",
            };
        }"""
    )


def test_search_page_works_with_the_keyboard_alone(page, site):
    page.goto("/soeg/?q=familier")

    # The first Tab stop is the skip link, which takes the keyboard past the header.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Gå til sidens indhold"
    page.keyboard.press("Enter")

    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = focused(page)
        stops.append(stop)
        assert stop["outline"] or stop["shadow"], f"no visible focus on {stop}"
        if stop["inResults"]:
            break
    names = [(stop["tag"], stop["type"], stop["name"]) for stop in stops]
    search_field = names.index(("input", "search", "q"))
    first_facet = next(i for i, stop in enumerate(stops) if stop["type"] == "checkbox")
    first_hit = next(i for i, stop in enumerate(stops) if stop["inResults"])
    assert search_field < first_facet < first_hit, names
    assert all(stop["label"] for stop in stops if stop["type"] == "checkbox")

    # Space ticks the focused facet; Tab on to the form's button and Enter sends it.
    page.keyboard.press("Shift+Tab")
    while focused(page)["type"] != "checkbox":
        page.keyboard.press("Shift+Tab")
    facet = focused(page)
    page.keyboard.press("Space")
    while not (focused(page)["tag"] == "button" and focused(page)["type"] == "submit"):
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(f"input[name='{facet['name']}']:checked").count() == 1
    screenshot(page, "6-soegning-med-tastatur")


def test_phone_menu_opens_and_is_used_with_the_keyboard(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    menu_button = page.get_by_role("button", name="Menu")
    assert menu_button.is_visible()
    assert not page.locator(".navigation-menu-mobile").is_visible()

    menu_button.focus()
    page.keyboard.press("Enter")
    drawer = page.locator(".mobile-drawer")
    drawer.wait_for(state="visible")
    assert drawer.evaluate("(element) => element.contains(document.activeElement)"), "focus stays outside the menu"
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    screenshot(page, "mobil-menu")

    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden")
    menu_button.click()
    with page.expect_navigation():
        page.locator(".navigation-menu-mobile").get_by_role("link", name="Viden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Viden"
