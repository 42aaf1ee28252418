"""The Content-Security-Policy holds in a real browser: the public pages and the admin's page editor work under it
and Chromium reports no violation of it."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, log_in_admin, screenshot

PUBLIC_PATHS = ["/", "/forsoeg/", "/paragraffer/", "/viden/", "/soeg/?q=plan", "/fremdrift/", "/log-ind/"]


def csp_violations(page) -> list[str]:
    """Console messages about the Content-Security-Policy from now on (Chromium logs every refusal there)."""
    messages = []
    page.on(
        "console",
        lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return messages


def test_public_pages_load_their_scripts_styles_and_charts_without_csp_violations(page, site):
    violations = csp_violations(page)
    paths = PUBLIC_PATHS + [site.family_plan.url, site.article.url]
    for path in paths:
        response = page.goto(path)
        # django-csp writes the directives in no fixed order: compare them, not the header's text.
        directives = {part.strip() for part in response.headers["content-security-policy"].split(";")}
        assert "script-src 'self'" in directives, path
        page.wait_for_load_state("networkidle")
    # The progress page draws its charts with Chart.js, a script of our own origin.
    page.goto("/fremdrift/")
    page.wait_for_load_state("networkidle")
    assert page.locator("canvas").count() > 0
    screenshot(page, "csp-public")
    assert violations == []
    assert page.javascript_errors == []


def test_a_network_reader_logs_in_and_reads_a_network_only_page_without_csp_violations(page, site):
    violations = csp_violations(page)
    log_in(page, site.staff.username, next_path=site.network_only.url)
    assert page.get_by_role("heading", name=site.network_only.title).is_visible()
    assert violations == []


def test_the_admin_page_editor_works_without_csp_violations(page, site):
    violations = csp_violations(page)
    log_in_admin(page, site.coordinator.username)
    page.goto(f"/admin/pages/{site.family_plan.pk}/edit/")
    page.wait_for_load_state("networkidle")
    # Wagtail's inline scripts set these up: an inline panel adds a row, a date field opens its calendar, a page
    # chooser opens its modal. Under the policy they run only through static/js/admin_inline_scripts.js.
    # The preview beside the (still valid) form is the page itself, framed by the admin: frame-ancestors 'self' for
    # that response only.
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", name=site.family_plan.title)).to_be_visible()
    total = page.locator("#id_exemption_requests-TOTAL_FORMS")
    before = int(total.input_value())
    page.locator("#id_exemption_requests-ADD").click()
    expect(total).to_have_value(str(before + 1))
    page.locator(f"#id_exemption_requests-{before}-reference").fill("SEL § 140")
    page.locator("#id_planned_start").click()
    expect(page.locator(".xdsoft_datetimepicker:visible").first).to_be_visible()
    page.keyboard.press("Escape")
    chooser = page.locator("#id_builds_on-chooser")
    tab = page.locator("[role=tabpanel]", has=chooser).get_attribute("id")
    page.locator(f"a[href='#{tab}']").click()
    chooser.locator(".unchosen [data-chooser-action-choose], .unchosen button").first.click()
    expect(page.locator(".modal-dialog")).to_be_visible()
    page.locator(".modal [data-dismiss='modal']").click()
    expect(page.locator(".modal-dialog")).to_be_hidden()
    screenshot(page, "csp-admin-editor")
    assert violations == []
    assert page.javascript_errors == []


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/login/"])
def test_admin_screens_load_without_csp_violations(page, site, path):
    violations = csp_violations(page)
    if path != "/admin/login/":
        log_in_admin(page, site.coordinator.username)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert violations == []


# Every kind of screen an administrator reaches from the admin's menu, with the pages and snippets the site has.
ADMIN_SCREENS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/search/?q=plan",
    "/admin/documents/",
    "/admin/documents/multiple/add/",
    "/admin/images/",
    "/admin/images/multiple/add/",
    "/admin/snippets/",
    "/admin/reports/locked/",
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/reports/page-types-usage/",
    "/admin/workflows/list/",
    "/admin/workflows/tasks/index/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/sites/",
    "/admin/redirects/",
    "/admin/account/",
    "/admin/importer-forsoeg/",
]


def test_every_admin_screen_and_the_editors_side_panels_work_without_csp_violations(page, site):
    """Under the admin's policy, which is the public one: no inline style either, so that HTML injected into the
    admin can neither run nor restyle anything. Wagtail writes no style attribute and sets styles from its scripts
    through the style object, which CSP does not govern."""
    violations = csp_violations(page)
    log_in_admin(page, site.administrator.username)
    pages = [
        f"/admin/pages/{site.helsingor.pk}/",
        f"/admin/pages/{site.family_plan.pk}/history/",
        f"/admin/pages/{site.family_plan.pk}/revisions/",
        f"/admin/pages/{site.helsingor.pk}/add_subpage/",
    ]
    for path in ADMIN_SCREENS + pages:
        # A refused style is reported as the page applies it: once it has loaded, with its scripts run.
        response = page.goto(path, wait_until="load")
        assert response.status == 200, path
        assert violations == [], path
    # The page editor's side panels: the checks (axe, which adds style elements of its own when it may), the
    # comments, the status and the preview.
    page.goto(f"/admin/pages/{site.family_plan.pk}/edit/")
    page.wait_for_load_state("networkidle")
    for panel in ("checks", "comments", "status", "preview"):
        toggle = page.locator(f"[data-side-panel-toggle='{panel}']")
        if toggle.count():
            toggle.click()
            page.wait_for_load_state("networkidle")
    expect(page.frame_locator("#w-preview-iframe").get_by_role("heading", name=site.family_plan.title)).to_be_visible()
    # The minimap and a collapsed panel move and hide things from the page's scripts.
    page.locator("[data-panel-toggle]").first.click()
    screenshot(page, "csp-admin-panels")
    assert violations == []
    assert page.javascript_errors == []


def directives(header: str) -> dict[str, str]:
    return dict(part.split(" ", 1) for part in header.split("; "))


def test_every_response_carries_one_policy_without_inline_script_or_style(client, db):
    # This test also makes pytest-django set up the test database when the module runs alone.
    public = directives(client.get("/log-ind/")["Content-Security-Policy"])
    assert public == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    admin = directives(client.get("/admin/login/")["Content-Security-Policy"])
    assert admin == public
