"""In a real browser (Debian's Chromium, driven by Playwright): every role logs in and sees its
own dashboard."""

import pytest

from botp import demo
from tests.e2e.journeys import log_in

ROLES = [
    # account, heading on the dashboard, a case it must list, a case it must not list
    ("referrer", "My screening requests", "BOTP-", None),
    # A professional's home is what needs their action; every case they see follows it.
    ("admin", "Needs your action", "BOTP-", None),
    ("psychologist", "Needs your action", "BOTP-", None),
    ("btp", "Needs your action", "BOTP-", None),
    ("btp2", "Needs your action", "BOTP-", None),
    ("isp", "Needs your action", "BOTP-", None),
    ("participant", "My case", "BOTP-", None),
    ("participant2", "My case", "BOTP-", None),
    ("researcher", "Evaluation", None, "BOTP-"),
]


@pytest.mark.django_db(transaction=True)
def test_each_role_logs_in_and_sees_its_dashboard(live_server, browser, shoot):
    from botp.models import Case
    from botp.policy import visible_cases

    users = demo.seed(cohort=False)
    for local, heading, _, absent in ROLES:
        page = log_in(browser, live_server, local)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        listed = set(page.locator("table.cases tbody a").all_inner_texts())
        visible = set(visible_cases(users[local]).values_list("reference", flat=True))
        assert listed <= visible and len(listed) == min(25, len(visible)), local
        if absent:
            assert not page.locator("table.cases").count()
        others = set(Case.objects.values_list("reference", flat=True)) - visible
        for reference in list(others)[:2]:
            response = page.goto(f"{live_server.url}/cases/{reference}/")
            assert response.status == 404, (local, reference)
        shoot(page, f"dashboard-{local}")
        page.context.close()
