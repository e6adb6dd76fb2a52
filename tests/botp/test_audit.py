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
def test_the_back_office_shows_the_trail_read_only(client, world):
    from django.contrib.admin.sites import site

    admin_user = world.admin
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    case = world.case(CaseState.REQUESTED)
    event = workflow.perform(case, "approve", world.admin)
    client.force_login(admin_user)
    for model in (CaseEvent, AuditEntry):
        model_admin = site._registry[model]
        request = type("R", (), {"user": admin_user})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    response = client.post(f"/backoffice/botp/caseevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CaseEvent.objects.filter(pk=event.pk).exists()
