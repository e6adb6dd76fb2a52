from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import policy, sections


@sections.register
def screening_request(case, user):
    if not policy.can(user, policy.Action.VIEW_SCREENING_REQUEST, case):
        return None
    screening = getattr(case, "screening_request", None)
    if screening is None:
        return None
    if policy.has_capability(user, policy.Capability.REVIEW_SCREENING_REQUESTS):
        return sections.Link(_("Screening request and eligibility"),
                             reverse("intake:review", args=[screening.pk]))
    return sections.Link(_("Screening request"), reverse("intake:detail", args=[screening.pk]))
