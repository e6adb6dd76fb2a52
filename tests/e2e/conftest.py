import os

import pytest

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
