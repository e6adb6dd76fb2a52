import pytest

from botp import workflow
from botp.models import AuditEntry, CaseEvent, CaseState


@pytest.mark.django_db
def test_events_and_audit_entries_cannot_be_changed_or_removed(world):
    case = world.case(CaseState.REQUESTED)
    event = workflow.perform(case, "approve", world.admin)
    entry = AuditEntry.objects.get(case=case)
    for row in (event, entry):
        with pytest.raises(PermissionError):
            row.save()
        with pytest.raises(PermissionError):
            row.delete()
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_back_office_lists_the_trail_read_only_and_no_case_events(client, world):
    from django.contrib.admin.sites import site

    admin_user = world.admin
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    case = world.case(CaseState.REQUESTED)
    workflow.perform(case, "approve", world.admin)
    client.force_login(admin_user)
    model_admin = site._registry[AuditEntry]
    request = type("R", (), {"user": admin_user})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    entry = AuditEntry.objects.filter(case=case).first()
    response = client.post(f"/backoffice/botp/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    # Event reasons can be clinical: the back office does not show events at all.
    assert CaseEvent not in site._registry
    assert client.get("/backoffice/botp/caseevent/").status_code == 404


@pytest.mark.django_db
def test_an_administrator_cannot_promote_themselves(client, world):
    staff = world.admin
    staff.is_staff = True
    staff.save()
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(Permission.objects.filter(codename__in=["change_user",
                                                                       "view_user"]))
    client.force_login(staff)
    response = client.post(f"/backoffice/botp/user/{staff.pk}/change/", {
        "email": staff.email, "first_name": "A", "last_name": "B",
        "role": "fedris_psychologist", "language": "en", "is_active": "on",
        "is_staff": "on", "is_superuser": "on",
    })
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.role == "fedris_admin" and not staff.is_superuser


@pytest.mark.django_db
def test_the_back_office_login_goes_through_two_factor(client, settings):
    response = client.get("/backoffice/login/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role, sees_reason", [
    ("psychologist", True), ("btp", True), ("admin", False), ("participant", False),
])
def test_a_clinical_reason_is_read_only_by_clinicians(client, world, role, sees_reason):
    from django.urls import reverse

    case = world.case(CaseState.DIAGNOSIS_REVIEW, btp=world.btp)
    workflow.perform(case, "not_confirm_diagnosis", world.psychologist,
                     payload={"reason": "Depressive episode suspected"})
    user = {"psychologist": world.psychologist, "btp": world.btp.user, "admin": world.admin,
            "participant": world.participant}[role]
    client.force_login(user)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert ("Depressive episode suspected" in page) is sees_reason


@pytest.mark.django_db
def test_an_administrative_reason_is_read_by_the_administrator(client, world):
    from django.urls import reverse

    case = world.case(CaseState.REQUESTED)
    workflow.perform(case, "declare_ineligible", world.admin,
                     payload={"reason": "Retail sector"})
    client.force_login(world.admin)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Retail sector" in page


@pytest.mark.django_db
def test_reading_the_trail_is_itself_audited(client, world):
    from django.urls import reverse

    case = world.case(CaseState.REQUESTED)
    client.force_login(world.psychologist)
    client.get(reverse("case_audit", args=[case.reference]))
    assert case.audit_entries.filter(actor=world.psychologist, what="audit trail").exists()
