"""What every read-only endpoint shares: its objects come from a policy queryset, and reading
them through the API is written in the audit trail like reading them on a page."""

from rest_framework import viewsets

from botp import audit


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only endpoint over ``scoped(user)``, which must ask botp.policy.

    ``audit_what(obj)`` names what was read (None: not audited); ``case_of(obj)`` gives its
    case. Lists are audited per object on the page, details per object shown.
    """

    audit_lists = True

    def scoped(self, user):
        raise NotImplementedError(f"{type(self).__name__} must say what the policy lets a "
                                  "user see")

    def get_queryset(self):
        return self.scoped(self.request.user)

    def audit_what(self, obj):
        return None

    def case_of(self, obj):
        return obj.case

    def _audit(self, objects):
        entries = [(self.case_of(obj), what) for obj in objects
                   if (what := self.audit_what(obj)) is not None]
        if entries:
            audit.record_views(self.request.user, entries)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.audit_lists and page is not None:
            self._audit(page)
        return page

    def get_object(self):
        obj = super().get_object()
        self._audit([obj])
        return obj
