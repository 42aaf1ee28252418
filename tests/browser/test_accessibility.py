"""WCAG 2.1 A and AA, checked by axe-core in Chromium on every page type at a desktop (1280×900) and a phone
(375×667) width, for visitors and for logged-in staff; and every page type used with the keyboard alone."""

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


WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 667}}


@pytest.fixture
def axe_page(browser, site):
    """A page whose context lets axe-core's injected script past the site's Content-Security-Policy."""
    context = browser.new_context(base_url=site.url, locale="da-DK", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.javascript_errors = errors
    yield page
    context.close()


def check_pages(page, paths: dict[str, str], state: str):
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `make install` (npm ci copies axe-core there)"
    failures = {}
    for name, path in paths.items():
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


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_passes_axe_for_a_visitor(axe_page, site, width):
    axe_page.set_viewport_size(WIDTHS[width])
    check_pages(axe_page, public_pages(site), f"anonym-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_passes_axe_for_logged_in_staff(axe_page, site, width):
    axe_page.set_viewport_size(WIDTHS[width])
    log_in(axe_page, "medarbejder-ballerup")
    pages = public_pages(site) | {"kun-netvaerket": site.network_only.url, "min-side": "/min-side/"}
    check_pages(axe_page, pages, f"logget-ind-{width}")


# Each Tab stop: what it is, whether its focus shows, and whether it comes after the previous stop in the document.
TAB_STOP = """() => {
    const element = document.activeElement;
    const stops = (window.__tabStops = window.__tabStops || []);
    const previous = stops[stops.length - 1];
    const forward = !previous || !!(previous.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
    const seen = stops.includes(element);
    stops.push(element);
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        where: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + " " +
               (element.getAttribute("aria-label") || element.innerText || element.name || "").trim().slice(0, 40),
        body: element === document.body,
        forward,
        visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
        inView: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
        seen,
    };
}"""


FOCUS_CHECKS = (("forward", "jumps back"), ("visible", "no visible focus"), ("inView", "out of view"))


def walk_with_tab(page, limit: int = 250) -> list[dict]:
    """Tab from the top of the page until focus leaves it or comes round again; each stop as TAB_STOP reads it."""
    page.evaluate("() => { window.__tabStops = []; }")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP)
        if stop["body"] or stop["seen"]:
            return stops
        stops.append(stop)
    raise AssertionError(f"more than {limit} Tab stops on {page.url}")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_is_used_with_the_keyboard_alone(axe_page, site, width):
    """Every control is reached by Tab in the order of the page, with its focus visible and scrolled into view."""
    page = axe_page
    page.set_viewport_size(WIDTHS[width])
    problems = []
    for path in public_pages(site).values():
        page.goto(path)
        stops = walk_with_tab(page)
        assert stops, f"nothing on {path} takes the keyboard's focus"
        assert stops[0]["where"].startswith("a Gå til sidens indhold"), (path, stops[0])
        for number, stop in enumerate(stops, start=1):
            for check, message in (
                ("forward", "jumps back"),
                ("visible", "no visible focus"),
                ("inView", "out of view"),
            ):
                if not stop[check]:
                    problems.append(f"{path} stop {number} ({stop['where']}): {message}")
        controls = page.evaluate(
            """() => [...document.querySelectorAll(
                'main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary,'
                + ' main [tabindex="0"]')].filter(e => e.checkVisibility() && !e.disabled).length"""
        )
        in_main = page.evaluate("() => window.__tabStops.filter(e => e.closest('main')).length")
        if in_main < controls:
            problems.append(f"{path}: {controls} controls in the main content, {in_main} reached by Tab")
    assert not problems, "\n".join(problems)


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


def test_phone_menu_opens_and_is_used_with_the_keyboard(axe_page, site):
    page = axe_page
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
