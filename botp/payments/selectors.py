"""What the payment pages and PDFs read (never a write)."""

from django.db.models import Count, Q, Sum

from botp.models import DocumentKind, SessionType, StatementLine


def item_names(lines):
    """{(programme id, code): name} for the session types and reports on ``lines``, in the
    active language."""
    programmes = {line.case.programme_id for line in lines}
    names = {(t.programme_id, t.code): t.name
             for t in SessionType.objects.filter(programme_id__in=programmes)}
    kinds = dict(DocumentKind.choices)
    for programme in programmes:
        for kind, label in kinds.items():
            names[(programme, kind)] = label
    return names


def lines_of(statement):
    """The statement's lines, each with ``label`` (what was paid, in the reader's language)."""
    lines = list(StatementLine.objects.filter(statement=statement)
                 .select_related("case", "corrects__statement").order_by("service_date", "pk"))
    names = item_names(lines)
    for line in lines:
        line.label = names.get((line.case.programme_id, line.item), line.item)
    return lines


def totals(statement):
    return statement.lines.aggregate(total=Sum("amount"), count=Count("pk"),
                                     disputed=Count("pk", filter=~Q(dispute_reason="")))


def is_demonstration(lines):
    """Whether any line's tariff is a demonstration value."""
    return any((line.programme_version and
                (line.programme_version.rules.get("payments") or {}).get("demonstration"))
               for line in lines)
