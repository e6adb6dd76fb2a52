"""Payments' to-dos: a statement to confirm or a dispute to answer (its provider), statements
and travel claims waiting for a decision and what is ready to pay (administrators). Each source
asks one query."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from botp import policy, worklists
from botp.models import ClaimStatus, Statement, StatementStatus, TravelClaim
from botp.policy import Relation as R
from botp.worklists import HIGH, Todo


def _provider_todos(user):
    if not policy.has_capability(user, policy.Capability.SEE_OWN_STATEMENTS):
        return
    counts = policy.statements_for(user).aggregate(
        to_confirm=Count("pk", filter=Q(status=StatementStatus.TO_CONFIRM)),
        disputed=Count("pk", filter=Q(status=StatementStatus.DISPUTED)))
    if counts["disputed"]:
        yield Todo(_("Answer Fedris' question on your statement"),
                   reverse("payments:statements"), rank=HIGH, kind="payments",
                   note=_("%(count)s statement(s)") % {"count": counts["disputed"]})
    if counts["to_confirm"]:
        yield Todo(_("Check and confirm your monthly statement"),
                   reverse("payments:statements"), kind="payments",
                   note=_("%(count)s statement(s)") % {"count": counts["to_confirm"]})


@worklists.source(R.BTP)
def own_statements_as_btp(user, cases):
    """A provider's statements, asked once: under the BTP relation when they hold a case as
    BTP, under the ISP one otherwise."""
    if cases.exists():
        yield from _provider_todos(user)


@worklists.source(R.ISP)
def own_statements_as_isp(user, cases):
    if not policy.cases_held(user, R.BTP).exists():
        yield from _provider_todos(user)


@worklists.source(R.FEDRIS_ADMIN)
def payments_to_decide(user, cases):
    if not policy.has_capability(user, policy.Capability.MANAGE_PAYMENTS):
        return
    statements = Statement.objects.aggregate(
        waiting=Count("pk", filter=Q(status__in=[StatementStatus.CONFIRMED,
                                                 StatementStatus.ANSWERED])),
        ready=Count("pk", filter=Q(status=StatementStatus.APPROVED)))
    claims = TravelClaim.objects.aggregate(
        waiting=Count("pk", filter=Q(status=ClaimStatus.SUBMITTED)),
        ready=Count("pk", filter=Q(status=ClaimStatus.APPROVED)))
    if statements["waiting"]:
        yield Todo(_("Approve or dispute the providers' statements"),
                   reverse("payments:statements") + "?status=waiting", kind="payments",
                   note=_("%(count)s statement(s)") % {"count": statements["waiting"]})
    if claims["waiting"]:
        yield Todo(_("Decide on the participants' travel claims"),
                   reverse("payments:claims"), kind="payments",
                   note=_("%(count)s claim(s)") % {"count": claims["waiting"]})
    if statements["ready"] or claims["ready"]:
        yield Todo(_("Make a payment run for what is approved"), reverse("payments:runs"),
                   kind="payments",
                   note=_("%(statements)s statement(s), %(claims)s claim(s)") % {
                       "statements": statements["ready"], "claims": claims["ready"]})
