"""Recording reads and changes of case data in the append-only audit trail."""

from botp.models import AuditEntry


def record(actor, kind, what, case=None):
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind, what=what[:200], case=case,
    )


def record_clinical_view(actor, case, what):
    return record(actor, AuditEntry.Kind.VIEW, what, case=case)
