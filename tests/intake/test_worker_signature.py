"""The programme since 2024: the worker signs the request through their own link, and Fedris
judges eligibility at the date of that signature; the referrer chooses the programme or lets the
portal propose it."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
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


def _expire_links(screening):
    SignatureLink.objects.filter(request=screening).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))


def test_an_expired_link_is_replaced_by_the_referrer_and_the_worker_signs(
        referrer_client, send_2024, world, django_capture_on_commit_callbacks):
    worker = Client()
    screening = send_2024()
    old_url = link_in_mail()
    _expire_links(screening)
    assert "Contact the person who sent the request" in worker.get(old_url).content.decode()

    detail = reverse("intake:detail", args=[screening.pk])
    assert "Send the worker a new link" in referrer_client.get(detail).content.decode()
    mail.outbox.clear()
    resend = reverse("intake:resend_signature", args=[screening.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = referrer_client.post(resend)
    assert response.status_code == 302 and response["Location"] == detail
    assert OutboxMessage.objects.filter(kind="worker_signature").count() == 2
    assert AuditEntry.objects.filter(case=screening.case, actor=world.referrer,
                                     what="signing link sent again to the worker").exists()
    new_url = link_in_mail()
    assert new_url != old_url

    assert worker.post(new_url, {"confirm": "on"}).status_code == 200
    screening.refresh_from_db()
    assert screening.worker_signed_at is not None
    # Signed: nothing more to send, and the button is gone.
    assert "Send the worker a new link" not in referrer_client.get(detail).content.decode()
    refused = referrer_client.post(resend, follow=True).content.decode()
    assert "no longer waits for the worker&#x27;s signature" in refused
    assert OutboxMessage.objects.filter(kind="worker_signature").count() == 2


def test_a_new_link_voids_the_one_before(client, send_2024, world):
    screening = send_2024()
    old_url = link_in_mail()
    signature.send_again(screening, by=world.admin)
    assert client.get(old_url).status_code == 410
    assert SignatureLink.objects.filter(request=screening, expires_at__gt=timezone.now(),
                                        used_at__isnull=True).count() == 1


def test_an_administrator_sends_a_new_link_from_the_review_page(client, send_2024, world):
    screening = send_2024()
    client.force_login(world.admin)
    review = reverse("intake:review", args=[screening.pk])
    assert "Send the worker a new link" in client.get(review).content.decode()
    response = client.post(reverse("intake:resend_signature", args=[screening.pk]),
                           {"back": "review"})
    assert response["Location"] == review
    assert SignatureLink.objects.filter(request=screening).count() == 2


@pytest.mark.parametrize("who", ["other_referrer", "btp", "psychologist", "participant",
                                 "researcher"])
def test_only_its_referrer_and_fedris_administrators_send_a_new_link(client, send_2024, world,
                                                                     who):
    screening = send_2024()
    client.force_login(world.user(who))
    response = client.post(reverse("intake:resend_signature", args=[screening.pk]))
    assert response.status_code in (403, 404)
    assert SignatureLink.objects.filter(request=screening).count() == 1


def test_no_new_link_once_fedris_decided_or_where_the_worker_does_not_sign(
        referrer_client, form_data, send_2024, world):
    screening = send_2024()
    signature.sign(signature.token_for(SignatureLink.objects.get(request=screening).nonce),
                   confirmed=True)
    screening.refresh_from_db()
    services.decide(screening, world.admin, decision=services.Decision.APPROVE)
    with pytest.raises(ValidationError):
        signature.send_again(screening, by=world.referrer)
    post_new(referrer_client, form_data())
    pilot = ScreeningRequest.objects.latest("pk")
    with pytest.raises(ValidationError):
        signature.send_again(pilot, by=world.referrer)
    assert referrer_client.post(reverse("intake:resend_signature", args=[pilot.pk])
                                ).status_code == 302
    assert not SignatureLink.objects.filter(request=pilot).exists()
