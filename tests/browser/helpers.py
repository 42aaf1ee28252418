"""What the journeys share: logging in, screenshots, the axe-core check."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = BASE_DIR / "var" / "screenshots"
AXE_SCRIPT = BASE_DIR / "static_vendor" / "axe-core" / "axe.min.js"
PASSWORD = "browser-test-password-1"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str = PASSWORD, next_path: str = "/") -> None:
    page.goto(f"/log-ind/?next={next_path}")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.locator("main").get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def log_in_admin(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
