"""Every API list is read page by page with an opaque cursor (``next`` and ``previous``), not
numbered pages: a page is found by the index of its ordering, never by counting and skipping
the rows before it, so the thousandth page costs what the first does and no list counts its
millions of rows."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    page_size = settings.LIST_PAGE_SIZE
    # In the order they were recorded (a case's report versions, sessions, waves in turn); a
    # viewset may say otherwise with ``cursor_ordering`` (its own indexed columns, the last one
    # unique), as the cases do, newest first.
    ordering = ("pk",)

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "cursor_ordering", self.ordering))
