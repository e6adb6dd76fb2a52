"""Stage 1 in a browser: a referrer files a request (correcting a field on the way), the
administrator approves it, and the worker's activation link opens their account."""

import pytest

from botp import demo
from tests.e2e.journeys import stage1


@pytest.mark.django_db(transaction=True)
def test_request_approval_and_activation(live_server, browser, shoot):
    demo.seed(cohort=False)
    _reference, page = stage1(live_server, browser, shoot)
    page.context.close()
