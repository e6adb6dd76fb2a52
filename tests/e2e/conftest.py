import os

import pytest

from botp import demo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

SCREENSHOTS = os.environ.get("BOTP_SCREENSHOTS")


@pytest.fixture
def browser(chromium):
    """Debian's Chromium, never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def shoot(tmp_path):
    """Save a screenshot (to BOTP_SCREENSHOTS when set, for a person to look at)."""
    folder = SCREENSHOTS or str(tmp_path)
    os.makedirs(folder, exist_ok=True)

    def take(page, name, **kwargs):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True, **kwargs)
        # After a full-page capture of a long page Chromium reports a stale scroll position,
        # and the next click lands beside its button; scrolling afresh puts it right.
        page.evaluate("window.scrollTo(0, 0)")

    return take


def log_in(browser, live_server, local, *, locale="en-GB", viewport=None,
           password=demo.DEMO_PASSWORD):
    context = browser.new_context(locale=locale, viewport=viewport or {"width": 1200,
                                                                         "height": 900})
    # The language the browser asks for is the one chosen with the switcher (its cookie), as
    # the demo accounts' own languages are Dutch and French.
    context.add_cookies([{"name": "django_language", "value": locale[:2],
                          "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(local if "@" in local else f"{local}@demo.botp.be")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    return page
