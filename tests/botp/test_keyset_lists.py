"""The dashboard's list of cases is read page by page along its index: every case once, in
order, the same queries on a deep page as on the first."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from botp.models import Case, CaseState


def references(html):
    return re.findall(r'href="/cases/([A-Z]+-\d{4}-\d+)/"', html)


def links(html):
    found = dict(re.findall(r'<a href="(\?[^"]*)" rel="(next|prev)"', html))
    return {rel: href.replace("&amp;", "&") for href, rel in found.items()}


@pytest.mark.django_db
def test_every_case_once_in_order_forwards_and_back(client, world, settings):
    settings.LIST_PAGE_SIZE = 7
    moment = timezone.now() - datetime.timedelta(days=3)
    for index in range(23):
        case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
        # Several requests at the same moment: the id breaks the tie.
        Case.objects.filter(pk=case.pk).update(
            requested_at=moment - datetime.timedelta(hours=index // 3))
    expected = list(Case.objects.order_by("-requested_at", "-pk")
                    .values_list("reference", flat=True))
    client.force_login(world.admin)

    seen, pages, url = [], [], reverse("dashboard")
    while url:
        html = client.get(url).content.decode()
        pages.append(html)
        seen += references(html)
        nxt = links(html).get("next")
        url = reverse("dashboard") + nxt if nxt else None
    assert seen == expected
    assert len(pages) == 4 and "prev" not in links(pages[0])

    back = client.get(reverse("dashboard") + links(pages[2])["prev"]).content.decode()
    assert references(back) == references(pages[1])


@pytest.mark.django_db
def test_a_deep_page_asks_what_the_first_does(client, world, settings):
    settings.LIST_PAGE_SIZE = 5
    for _ in range(30):
        world.case(CaseState.IN_TREATMENT, btp=world.btp)
    client.force_login(world.psychologist)
    url = reverse("dashboard")
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    for _ in range(3):
        html = client.get(url + links(html)["next"]).content.decode()
    with CaptureQueriesContext(connection) as deep:
        client.get(url + links(html)["next"])
    assert len(deep) == len(first)
    # No count of every case, no offset.
    assert not any("COUNT(" in q["sql"].upper() and "botp_case" in q["sql"]
                   for q in deep.captured_queries)
    assert not any(" OFFSET " in q["sql"].upper() for q in deep.captured_queries)


@pytest.mark.django_db
def test_an_altered_page_link_shows_the_first_page(client, world):
    world.case(CaseState.IN_TREATMENT, btp=world.btp)
    client.force_login(world.admin)
    for forged in ("after=nonsense", "after=WzEsMiwzXQ", "before=%%%"):
        response = client.get(reverse("dashboard") + "?" + forged)
        assert response.status_code == 200
        assert len(references(response.content.decode())) == 1
