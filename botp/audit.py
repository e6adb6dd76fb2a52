"""Recording reads and changes of case data in the append-only audit trail."""

from botp.models import AuditEntry


def record(actor, kind, what, case=None):
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind, what=what[:200], case=case,
    )


def record_clinical_view(actor, case, what):
    return record(actor, AuditEntry.Kind.VIEW, what, case=case)


def record_views(actor, entries):
    """View entries for ``entries``, (case, what) pairs such as a page of objects read through
    the API, in one insert; the same pair is recorded once."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    unique = {(case.pk, what[:200]): case for case, what in entries}
    return AuditEntry.objects.bulk_create([
        AuditEntry(actor=actor, kind=AuditEntry.Kind.VIEW, what=what, case=case)
        for (_pk, what), case in unique.items()
    ])
