"""In a real browser (Debian's Chromium, driven by Playwright): every role logs in and sees its
own dashboard."""

import os

import pytest

from botp import demo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

ROLES = [
    # account, heading on the dashboard, a case it must list, a case it must not list
    ("referrer", "My screening requests", "BOTP-", None),
    ("admin", "All cases", "BOTP-", None),
    ("psychologist", "All cases", "BOTP-", None),
    ("btp", "My cases", "BOTP-", None),
    ("btp2", "My cases", "BOTP-", None),
    ("isp", "My cases", "BOTP-", None),
    ("participant", "My case", "BOTP-", None),
    ("participant2", "My case", "BOTP-", None),
    ("researcher", "Evaluation", None, "BOTP-"),
]


@pytest.fixture
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_each_role_logs_in_and_sees_its_dashboard(live_server, browser, tmp_path):
    from botp.models import Case
    from botp.policy import visible_cases

    users = demo.seed()
    for local, heading, _, absent in ROLES:
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        page.get_by_label("Email").fill(f"{local}@demo.botp.be")
        page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/dashboard/")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        listed = set(page.locator("table.cases tbody a").all_inner_texts())
        expected = set(visible_cases(users[local]).values_list("reference", flat=True)[:25])
        assert listed == expected, local
        if absent:
            assert not page.locator("table.cases").count()
        others = set(Case.objects.values_list("reference", flat=True)) - expected
        for reference in list(others)[:2]:
            response = page.goto(f"{live_server.url}/cases/{reference}/")
            assert response.status == 404, (local, reference)
        page.screenshot(path=str(tmp_path / f"{local}.png"), full_page=True)
        context.close()
