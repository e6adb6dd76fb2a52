"""Pages of a long list read by their position in an index (keyset pagination), not by
counting and skipping the rows before them: the thousandth page of 100,000 cases costs what
the first does. A page links to the next and the previous one by the key of its last or first
row, in the address (``after=`` / ``before=``)."""

import base64
import datetime
import json

from django.db.models import Q, Subquery
from django.utils.dateparse import parse_datetime


class KeysetPage:
    """One page: ``object_list``, and the query strings of the pages around it (None when
    there is none)."""

    def __init__(self, object_list, next_query, previous_query):
        self.object_list = object_list
        self.next_query = next_query
        self.previous_query = previous_query

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self):
        return bool(self.next_query or self.previous_query)


def _encode(values):
    plain = [value.isoformat() if isinstance(value, datetime.datetime) else value
             for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(token, count):
    """The key a link carries, or None for one that is not a key (typed or altered: the
    first page is shown instead)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != count:
        return None
    decoded = []
    for value in values:
        if isinstance(value, str):
            value = parse_datetime(value)
            if value is None:
                return None
        elif not isinstance(value, int) or isinstance(value, bool):
            return None
        decoded.append(value)
    return decoded


def _beyond(ordering, key, forward):
    """Rows after ``key`` in ``ordering`` (before it when not ``forward``). The first column's
    bound is repeated alone so the database starts the index scan there."""
    names = [name.lstrip("-") for name in ordering]
    descending = [name.startswith("-") for name in ordering]
    condition = Q(pk__in=[])
    for depth in range(len(names)):
        later = descending[depth] != (not forward)  # "less than" when reading downwards
        step = Q(**{f"{names[depth]}__{'lt' if later else 'gt'}": key[depth]})
        for earlier in range(depth):
            step &= Q(**{names[earlier]: key[earlier]})
        condition |= step
    first_later = descending[0] != (not forward)
    return Q(**{f"{names[0]}__{'lte' if first_later else 'gte'}": key[0]}) & condition


def _read(queryset, ordering, limit):
    """The first ``limit`` rows of ``queryset`` in ``ordering``, the page's keys chosen by a
    narrow subquery before anything is joined: a provider's list is a few thousand cases found
    by a union, and sorting them with every joined column (programme, version, participant)
    cost PostgreSQL more than the page itself."""
    keys = queryset.order_by(*ordering).values("pk")[:limit]
    return list(queryset.filter(pk__in=Subquery(keys)).order_by(*ordering))


def keyset_page(request, queryset, ordering, size):
    """The page of ``queryset`` (in ``ordering``: its own columns, the last one unique) that
    the request's ``after`` or ``before`` names, the first page otherwise."""
    names = [name.lstrip("-") for name in ordering]
    query = request.GET.copy()
    after = _decode(query.pop("after", [""])[-1], len(ordering))
    before = _decode(query.pop("before", [""])[-1], len(ordering)) if after is None else None
    if before is not None:
        reversed_ordering = [name[1:] if name.startswith("-") else f"-{name}"
                             for name in ordering]
        rows = _read(queryset.filter(_beyond(ordering, before, forward=False)),
                     reversed_ordering, size + 1)
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        more_after = True
    else:
        if after is not None:
            queryset = queryset.filter(_beyond(ordering, after, forward=True))
        rows = _read(queryset, ordering, size + 1)
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = after is not None

    def link(direction, row):
        if row is None:
            return None
        linked = query.copy()
        linked[direction] = _encode([getattr(row, name) for name in names])
        return "?" + linked.urlencode()

    first_query = "?" + query.urlencode() if query else "?"
    next_query = link("after", rows[-1] if rows and more_after else None)
    previous_query = link("before", rows[0] if rows and more_before else None)
    if more_before and previous_query is None:
        previous_query = first_query
    return KeysetPage(rows, next_query, previous_query)
