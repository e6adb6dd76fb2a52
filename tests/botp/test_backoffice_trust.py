"""No back-office path to clinical data (the "Trust" issue, item 9).

Two paths were open: an administrator made a provider account with a password of their choosing,
re-pointed a BTP's provider record to it and read the BTP's caseload; or made their own
accredited BTP, chose it "on the participant's behalf" and read the case once accepted. The
root is closed: nobody at Fedris sets another person's password, accounts come from an
invitation to the person's own address, a provider record's account is fixed once made, a
choice on the participant's behalf says how they asked and tells them, and every change to
accounts and the directory is in an audit trail the psychologists read.
"""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from botp import demo, invitations, workflow
from botp.models import (
    AuditEntry,
    CaseState,
    Invitation,
    OutboxMessage,
    Programme,
    Provider,
    Role,
    User,
)
from diagnosis import services as diagnosis_services
from diagnosis.models import DiagnosisReport
from tests.factories import UserFactory

PASSWORD = "my-own-passphrase-2026"


@pytest.fixture
def seeded(db):
    demo.seed(cohort=False)


@pytest.fixture
def admin(seeded):
    return User.objects.get(email="admin@demo.botp.be")


@pytest.fixture
def superuser(seeded):
    return User.objects.create_superuser(email="root@fedris.be", password="x" * 16)


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    return client


def btp():
    return Provider.objects.select_related("user").get(user__email="btp@demo.botp.be")


def invitation_path(message):
    return re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body).group(1)


def new_provider_form(email, **overrides):
    data = {
        "email": email, "first_name": "Eve", "last_name": "Mallory", "language": "en",
        "is_btp": "on", "profession": "clinical_psychologist",
        "programmes": list(Programme.objects.values_list("pk", flat=True)),
        "accredited_on": "2026-01-10", "training_completed": "on", "active": "on",
        "languages": ["nl"], "province": "VAN", "postcode": "2000", "city": "Antwerpen",
        "address": "", "phone": "",
    }
    data.update(overrides)
    return data


def invite_provider(client, email, capture, **overrides):
    """Add a provider record in the back office; return it and the invitation e-mail."""
    with capture(execute=True):
        response = client.post("/backoffice/botp/provider/add/",
                               new_provider_form(email, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    sent = [m for m in mail.outbox if m.to == [email]]
    assert len(sent) == 1
    return Provider.objects.get(invitations__email=email), sent[0]


# --- (a) Nobody sets another person's password in the back office ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_no_staff_member_sets_a_password_for_a_provider_account(client, request, who):
    staff = request.getfixturevalue(who)
    client.force_login(staff)
    response = client.post("/backoffice/botp/user/add/", {
        "email": "evil.btp@example.org", "role": Role.PROVIDER,
        "password1": "a-long-password-2026", "password2": "a-long-password-2026",
        "usable_password": "true"})
    assert response.status_code == 403
    assert client.get("/backoffice/botp/user/add/").status_code == 403
    assert not User.objects.filter(email="evil.btp@example.org").exists()

    target = btp().user
    password_url = f"/backoffice/botp/user/{target.pk}/password/"
    assert client.get(password_url).status_code == 403
    response = client.post(password_url, {"password1": "a-long-password-2026",
                                          "password2": "a-long-password-2026",
                                          "usable_password": "true"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.check_password(demo.DEMO_PASSWORD)
    page = client.get(f"/backoffice/botp/user/{target.pk}/change/").content.decode()
    assert password_url not in page and 'name="password' not in page
    assert 'name="email"' not in page and 'name="role"' not in page  # shown, not editable


@pytest.mark.django_db
def test_a_superuser_cannot_change_an_accounts_address_or_role(client, superuser):
    target = btp().user
    client.force_login(superuser)
    client.post(f"/backoffice/botp/user/{target.pk}/change/", {
        "email": "attacker@example.org", "role": Role.FEDRIS_PSYCHOLOGIST, "first_name": "S",
        "last_name": "J", "language": "nl", "is_active": "on"})
    target.refresh_from_db()
    assert (target.email, target.role) == ("btp@demo.botp.be", Role.PROVIDER)
    # Nor add an address that would receive the owner's password reset.
    assert client.get("/backoffice/account/emailaddress/add/").status_code == 403
    address = EmailAddress.objects.get(user=target)
    response = client.post(f"/backoffice/account/emailaddress/{address.pk}/change/", {
        "user": target.pk, "email": "attacker@example.org", "verified": "on",
        "primary": "on"})
    assert response.status_code == 403
    assert not EmailAddress.objects.filter(email="attacker@example.org").exists()


# --- (b) A provider record's account is fixed -------------------------------------------------


@pytest.mark.django_db
def test_the_back_office_cannot_re_point_a_provider_record(as_admin, admin):
    provider = btp()
    other = UserFactory(role=Role.PROVIDER)
    page = as_admin.get(f"/backoffice/botp/provider/{provider.pk}/change/").content.decode()
    assert 'name="user"' not in page and "btp@demo.botp.be" in page
    data = new_provider_form("ignored@example.org", user=other.pk,
                             profession=provider.profession, languages=provider.languages,
                             province=provider.province, postcode=provider.postcode)
    response = as_admin.post(f"/backoffice/botp/provider/{provider.pk}/change/", data)
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.user.email == "btp@demo.botp.be"


@pytest.mark.django_db
def test_the_model_refuses_to_re_point_a_provider_record(seeded):
    provider = btp()
    provider.user = UserFactory(role=Role.PROVIDER)
    with pytest.raises(PermissionError):
        provider.save()
    assert Provider.objects.get(pk=provider.pk).user.email == "btp@demo.botp.be"


@pytest.mark.django_db
def test_the_database_refuses_to_re_point_a_provider_record(postgres_only, seeded):
    provider = btp()
    other = UserFactory(role=Role.PROVIDER)
    with pytest.raises(DatabaseError), transaction.atomic():
        Provider.objects.filter(pk=provider.pk).update(user=other)
    assert Provider.objects.get(pk=provider.pk).user.email == "btp@demo.botp.be"


# --- (c) Professional accounts come from an invitation to the person's own address -----------


@pytest.mark.django_db
def test_a_german_speaking_provider_is_invited_in_german_and_listed_as_speaking_it(
        client, as_admin, django_capture_on_commit_callbacks):
    provider, message = invite_provider(as_admin, "jonas.kessler@example.org",
                                        django_capture_on_commit_callbacks, language="de",
                                        languages=["de", "fr"], province="WLG",
                                        postcode="4700", city="Eupen")
    assert provider.languages == ["de", "fr"]
    assert "7 Tage" in message.body and "7 days" not in message.body
    client.logout()
    response = client.post(invitation_path(message), {"password1": PASSWORD,
                                                      "password2": PASSWORD})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.user.language == "de"


@pytest.mark.django_db
def test_a_provider_invited_in_the_back_office_makes_their_own_account(
        client, as_admin, admin, django_capture_on_commit_callbacks):
    provider, message = invite_provider(as_admin, "nina.vos@example.org",
                                        django_capture_on_commit_callbacks)
    assert provider.user is None and provider not in Provider.objects.btps()
    assert "as Care provider (BTP / ISP)" in message.body and "7 days" in message.body
    link = invitation_path(message)
    assert OutboxMessage.objects.get(kind="invitation").status == "sent"

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "nina.vos@example.org" in page.content.decode()
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")

    provider.refresh_from_db()
    user = provider.user
    assert (user.email, user.role, user.get_full_name()) == (
        "nina.vos@example.org", Role.PROVIDER, "Eve Mallory")
    assert user.check_password(PASSWORD) and not user.is_staff
    assert EmailAddress.objects.get(user=user).verified
    assert provider in Provider.objects.btps()
    # Signed in: the new BTP sees the cases proposed to them, and only those. (Another
    # administrator chooses: the one who invited a BTP does not send them cases.)
    awaiting = demo_case_awaiting_choice()
    colleague = UserFactory(role=Role.FEDRIS_ADMIN)
    diagnosis_services.choose_btp(awaiting, colleague, btp=provider.pk, asked_via="phone")
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert awaiting.reference in dashboard
    assert list(workflow.policy.visible_cases(user)) == [awaiting]

    # The link worked once.
    client.logout()
    used = client.get(link)
    assert used.status_code == 410 and "already been accepted" in used.content.decode()
    assert client.post(link, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 410
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The person logs in with the password they chose.
    login = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302


def demo_case_awaiting_choice():
    from botp.models import Case

    return Case.objects.get(state=CaseState.AWAITING_BTP_CHOICE,
                            participant__first_name="Jens")


@pytest.mark.django_db
def test_outside_demo_mode_the_invited_person_sets_up_two_factor_first(
        client, settings, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite(admin, email="gp@example.org", role=Role.REFERRER,
                           first_name="Jan", last_name="Huisarts", language="en")
    settings.DEMO_MODE = False
    link = invitation_path(mail.outbox[-1])
    assert "two-factor authentication" in client.get(link).content.decode()
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_an_invitation_expires_and_a_new_one_replaces_the_old(
        client, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = invitations.invite(admin, email="gp@example.org", role=Role.REFERRER,
                                   first_name="Jan", last_name="Huisarts", language="en")
    first_link = invitation_path(mail.outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        second = invitations.resend(first, admin)
    second_link = invitation_path(mail.outbox[-1])
    assert first_link != second_link
    replaced = client.get(first_link)
    assert replaced.status_code == 410 and "replaced by a newer one" in replaced.content.decode()

    Invitation.objects.filter(pk=second.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    expired = client.post(second_link, {"password1": PASSWORD, "password2": PASSWORD})
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert client.get("/accounts/invitation/not-a-token/").status_code == 404
    assert not User.objects.filter(email="gp@example.org").exists()


@pytest.mark.django_db
def test_a_superuser_invites_fedris_staff_the_same_way(
        client, superuser, django_capture_on_commit_callbacks):
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/backoffice/botp/invitation/add/", {
            "email": "new.psy@fedris.be", "role": Role.FEDRIS_PSYCHOLOGIST,
            "first_name": "Lies", "last_name": "Claes", "language": "nl"})
    assert response.status_code == 302
    client.logout()
    link = invitation_path(mail.outbox[-1])
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    user = User.objects.get(email="new.psy@fedris.be")
    assert user.role == Role.FEDRIS_PSYCHOLOGIST and user.check_password(PASSWORD)


# --- (d) Choosing a BTP on the participant's behalf ------------------------------------------


@pytest.mark.django_db
def test_an_administrator_says_how_the_participant_asked_and_the_participant_is_told(
        client, world, django_capture_on_commit_callbacks):
    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    url = reverse("diagnosis:choose_btp", args=[case.reference])
    client.force_login(world.admin)
    page = client.get(url).content.decode()
    assert 'name="asked_via"' in page
    response = client.post(url, {"btp": world.btp.pk, "version": case.version})
    assert response.status_code == 400
    assert "Say how the participant asked" in response.content.decode()
    with pytest.raises(workflow.TransitionError, match="Say how the participant asked"):
        workflow.perform(case, "choose_btp", world.admin, payload={"btp": world.btp.pk})
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BTP_CHOICE and not case.events.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"btp": world.btp.pk, "version": case.version,
                                     "asked_via": "letter", "note": "Letter of 3 March"})
    assert response.status_code == 302
    event = case.events.get(action="choose_btp")
    assert (event.actor, event.actor_role) == (world.admin, "fedris_admin")
    assert event.payload == {"btp": world.btp.pk, "asked_by": "participant",
                             "asked_via": "letter", "reason": "Letter of 3 March"}
    told = [m for m in mail.outbox if m.to == [world.participant.email]]
    assert len(told) == 1
    assert "At your request (by letter), Fedris has chosen a care provider" in told[0].body
    assert "If you did not ask Fedris to choose for you" in told[0].body
    assert "burnout" not in (told[0].subject + told[0].body).lower()

    client.force_login(world.participant)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Fedris chose this BTP for you, at your request (by letter)" in page


@pytest.mark.django_db
def test_the_participants_own_choice_is_not_recorded_as_fedris(world):
    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    event = diagnosis_services.choose_btp(case, world.participant, btp=world.btp.pk,
                                          asked_via="phone")
    assert event.payload == {"btp": world.btp.pk}
    assert not OutboxMessage.objects.filter(key__contains=":participant:").exists()


@pytest.mark.django_db
def test_an_administrator_cannot_choose_a_btp_they_invited(
        client, as_admin, admin, django_capture_on_commit_callbacks):
    provider, message = invite_provider(as_admin, "eve@example.org",
                                        django_capture_on_commit_callbacks)
    client.logout()
    client.post(invitation_path(message), {"password1": PASSWORD, "password2": PASSWORD})
    case = demo_case_awaiting_choice()
    with pytest.raises(workflow.TransitionError, match="You invited this BTP yourself"):
        diagnosis_services.choose_btp(case, admin, btp=provider.pk, asked_via="phone")
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_BTP_CHOICE and case.btp is None


@pytest.mark.django_db
def test_an_administrator_cannot_be_or_become_a_btp(world):
    admin = world.admin
    with pytest.raises(PermissionError):
        Provider.objects.create(user=admin, is_btp=True, profession="physician",
                                languages=["nl"], province="VAN", postcode="2000",
                                accredited_on=datetime.date(2024, 1, 1),
                                training_completed=True)
    admin.role = Role.PROVIDER
    with pytest.raises(PermissionError):
        admin.save()
    admin.refresh_from_db()
    assert admin.role == Role.FEDRIS_ADMIN and not Provider.objects.filter(user=admin).exists()
    # Nor does a provider's account get the back office.
    provider_user = world.btp.user
    provider_user.is_staff = True
    with pytest.raises(PermissionError):
        provider_user.save()


# --- (e) Every change to accounts and the directory is audited -------------------------------


@pytest.mark.django_db
def test_account_and_accreditation_changes_are_audited_for_the_psychologists(
        client, as_admin, admin, django_capture_on_commit_callbacks):
    provider = btp()
    fa_botp = Programme.objects.get(code="fa-botp")
    data = new_provider_form("ignored@example.org", profession=provider.profession,
                             languages=provider.languages, province=provider.province,
                             postcode=provider.postcode, city=provider.city,
                             accredited_on="2026-02-01",
                             programmes=[Programme.objects.get(code="botp").pk])
    assert as_admin.post(f"/backoffice/botp/provider/{provider.pk}/change/",
                         data).status_code == 302
    change = AuditEntry.objects.get(subject=f"provider:{provider.pk}", actor=admin,
                                    changes__has_key="accredited_on")
    assert change.case is None
    assert change.changes["accredited_on"] == ["2024-01-15", "2026-02-01"]
    programmes = AuditEntry.objects.get(subject=f"provider:{provider.pk}", actor=admin,
                                        changes__has_key="programmes")
    assert programmes.changes["programmes"] == {"removed": sorted(
        Programme.objects.exclude(code="botp").values_list("code", flat=True))}
    assert fa_botp.code in programmes.changes["programmes"]["removed"]

    new_provider, message = invite_provider(as_admin, "nina.vos@example.org",
                                            django_capture_on_commit_callbacks)
    invitation = new_provider.invitations.get()
    assert AuditEntry.objects.filter(subject=f"invitation:{invitation.pk}", actor=admin,
                                     changes__email=[None, "nina.vos@example.org"]).exists()
    client.logout()
    client.post(invitation_path(message), {"password1": PASSWORD, "password2": PASSWORD})
    user = User.objects.get(email="nina.vos@example.org")
    created = AuditEntry.objects.get(subject=f"user:{user.pk}", what__contains="created")
    assert created.actor == user and created.changes["role"] == [None, Role.PROVIDER]
    assert created.changes["password"] == [None, "(secret)"]  # that it was set, never what
    assert AuditEntry.objects.filter(subject=f"provider:{new_provider.pk}", actor=user,
                                     changes__has_key="user").exists()
    assert user.password not in str(list(AuditEntry.objects.values_list("changes", flat=True)))

    psychologist = User.objects.get(email="psychologist@demo.botp.be")
    client.force_login(psychologist)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("account_audit"), {"record": "provider"}).content.decode()
    assert "Accredited on" in page and "Anne Dubois" in page
    assert "2026" in page and "nina.vos@example.org" in page
    assert AuditEntry.objects.filter(actor=psychologist, what="account audit trail").exists()
    assert reverse("account_audit") in client.get(reverse("dashboard")).content.decode()

    client.force_login(admin)
    assert client.get(reverse("account_audit")).status_code == 404
    with pytest.raises(PermissionError):
        change.delete()


@pytest.mark.django_db
def test_who_reads_the_account_audit_trail(client, world):
    for user, status in [(world.psychologist, 200), (world.admin, 404), (world.btp.user, 404),
                         (world.referrer, 404), (world.researcher, 404),
                         (world.participant, 404)]:
        client.force_login(user)
        assert client.get(reverse("account_audit")).status_code == status, user.role


@pytest.mark.django_db
def test_a_password_reset_is_audited_without_the_password(client, world,
                                                          django_capture_on_commit_callbacks):
    user = world.referrer
    before = AuditEntry.objects.order_by("pk").last().pk
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    form_page = client.get(link.group(1), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": PASSWORD,
                                                  "password2": PASSWORD})
    entry = AuditEntry.objects.get(pk__gt=before, subject=f"user:{user.pk}")
    assert entry.changes == {"password": ["(secret)", "(secret)"]}


# --- (f) The original attack, end to end ------------------------------------------------------


@pytest.mark.django_db
def test_no_account_an_administrator_makes_reads_another_btps_diagnosis_reports(
        client, as_admin, admin, django_capture_on_commit_callbacks):
    victim = btp()
    report = DiagnosisReport.objects.filter(case__btp=victim).first()
    assert report is not None
    # 1. An account with a password of the administrator's choosing: refused.
    response = as_admin.post("/backoffice/botp/user/add/", {
        "email": "evil@example.org", "role": Role.PROVIDER, "usable_password": "true",
        "password1": "a-long-password-2026", "password2": "a-long-password-2026"})
    assert response.status_code == 403
    # 2. An account the administrator controls, through an invitation to their own mailbox...
    mine, message = invite_provider(as_admin, "evil@example.org",
                                    django_capture_on_commit_callbacks)
    attacker = client_class_copy(client)
    attacker.post(invitation_path(message), {"password1": PASSWORD, "password2": PASSWORD})
    evil = User.objects.get(email="evil@example.org")
    # ... cannot be put in the BTP's place, in the back office or in the model.
    data = new_provider_form("x@example.org", user=evil.pk, profession=victim.profession,
                             languages=victim.languages, province=victim.province,
                             postcode=victim.postcode)
    as_admin.post(f"/backoffice/botp/provider/{victim.pk}/change/", data)
    victim.refresh_from_db()
    assert victim.user.email == "btp@demo.botp.be"
    with pytest.raises(ValidationError, match="has its account already"):
        invitations.invite(admin, email="evil2@example.org", role=Role.PROVIDER,
                           first_name="E", last_name="M", language="en", provider=victim)
    # 3. Whatever it is, it reads no other BTP's reports, through the API or the pages.
    listed = attacker.get("/api/v1/diagnosis-reports/")
    assert listed.status_code == 200 and listed.json()["results"] == []
    assert attacker.get(f"/api/v1/diagnosis-reports/{report.pk}/").status_code == 404
    assert attacker.get(reverse("case_detail", args=[report.case.reference])).status_code == 404
    assert list(workflow.policy.visible_cases(evil)) == []


def client_class_copy(client):
    """A second browser, next to the administrator's."""
    from django.test import Client

    other = Client()
    other.cookies["django_language"] = "en"
    return other


def test_an_invitation_link_is_kept_out_of_the_logs():
    from botp.logging import redact

    assert redact("GET /accounts/invitation/1MnyswttHANaRoEo/ 200") == (
        "GET /accounts/invitation/[link]/ 200")
