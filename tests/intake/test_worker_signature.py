"""The programme since 2024: the worker signs the request through their own link, and Fedris
judges eligibility at the date of that signature; the referrer chooses the programme or lets the
portal propose it."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from botp.models import AuditEntry, CaseState, OutboxMessage, Sector
from intake import eligibility, services, signature
from intake.models import ScreeningRequest, SignatureLink
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_2024(referrer_client, form_data, programmes, django_capture_on_commit_callbacks):
    def make(**overrides):
        data = form_data(programme=programmes["prevention-2024"].pk,
                         sector_choice=str(Sector.objects.get(code="private_sector").pk),
                         **overrides)
        with django_capture_on_commit_callbacks(execute=True):
            post_new(referrer_client, data)
        return ScreeningRequest.objects.latest("pk")

    return make


def link_in_mail():
    message = next(m for m in mail.outbox if "sign" in m.subject.lower())
    return re.search(r"https?://\S+/intake/sign/\S+/", message.body).group(0)


def test_the_worker_is_asked_to_sign_and_signs_through_their_link(client, send_2024):
    screening = send_2024()
    assert screening.case.programme_version.programme.code == "prevention-2024"
    assert OutboxMessage.objects.filter(kind="worker_signature").count() == 1
    url = link_in_mail()
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert screening.case.reference in content and "Confirm and sign" in content

    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Tick the box to confirm and sign the request." in refused.content.decode()

    before = timezone.now()
    assert client.post(url, {"confirm": "on"}).status_code == 200
    screening.refresh_from_db()
    assert screening.worker_signed_at >= before
    assert screening.worker_consent_version == "2026-12"
    assert AuditEntry.objects.filter(case=screening.case,
                                     what__startswith="screening request signed").exists()
    # The link works once.
    assert client.get(url).status_code == 410
    assert client.get("/intake/sign/not-a-token/").status_code == 404


def test_fedris_approves_only_once_the_worker_has_signed(send_2024, world):
    screening = send_2024()
    check = next(c for c in eligibility.checks(screening) if c.code == "worker_signature")
    assert not check.passed and "not signed" in check.explanation
    with pytest.raises(ValidationError, match="not signed the request yet"):
        services.decide(screening, world.admin, decision=services.Decision.APPROVE,
                        override_reason="Even with a reason.")
    link = SignatureLink.objects.get(request=screening)
    signature.sign(signature.token_for(link.nonce), confirmed=True)
    screening.refresh_from_db()
    event = services.decide(screening, world.admin, decision=services.Decision.APPROVE)
    assert event.payload["programme_version"] == 1
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.AWAITING_BTP_CHOICE


def test_the_administrator_sees_which_rule_of_which_version_applied(client, send_2024, world):
    since = timezone.localdate() - datetime.timedelta(days=120)
    screening = send_2024(sick_leave_since=since.isoformat(), incapacity_not_burnout="True",
                          adapted_work_agreed="True")
    assert screening.incapacity_not_burnout is True and screening.adapted_work_agreed is True
    client.force_login(world.admin)
    page = client.get(reverse("intake:review", args=[screening.pk])).content.decode()
    assert "Rules applied: Burnout Prevention Programme (Fedris, since 2024), version 1" in page
    assert "accepted: according to the request, the incapacity is not for burnout" in page
    assert "The worker has not signed the request yet" in page


def test_the_pilot_does_not_ask_the_worker_to_sign(referrer_client, form_data):
    post_new(referrer_client, form_data())
    screening = ScreeningRequest.objects.latest("pk")
    assert not signature.required(screening)
    assert not SignatureLink.objects.exists()
    assert "worker_signature" not in {c.code for c in eligibility.checks(screening)}


def test_the_form_proposes_the_programme_from_the_employer(referrer_client, form_data,
                                                            programmes):
    data = form_data(action="propose", programme="", sector_choice="",
                     employer_kind="federal", nace_code="84.110")
    response = post_new(referrer_client, data)
    assert response.status_code == 302
    draft = ScreeningRequest.objects.latest("pk")
    assert draft.is_draft
    assert draft.programme == programmes["fa-botp"]
    assert draft.sector.code == "federal_administration"
    page = referrer_client.get(response["Location"]).content.decode()
    assert "From the employer&#x27;s data: sector “Federal administration”" in page


def test_the_form_states_each_programmes_rules_in_force(referrer_client):
    page = referrer_client.get(reverse("intake:new")).content.decode()
    assert "on sick leave for less than 2 months on the day the request is signed" in page
    assert "The worker signs the request too" in page


def test_the_referrer_sees_whether_the_worker_has_signed(referrer_client, send_2024):
    screening = send_2024()
    url = reverse("intake:detail", args=[screening.pk])
    assert "Not yet: the worker received an e-mail" in referrer_client.get(url).content.decode()
    link = SignatureLink.objects.get(request=screening)
    signature.sign(signature.token_for(link.nonce), confirmed=True)
    page = referrer_client.get(url).content.decode()
    assert "Not yet" not in page and "confirmation text 2026-12" in page
