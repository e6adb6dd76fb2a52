"""The FA-BOTP hands its participants over to the monitor: when their case completes they are
offered it, once by e-mail (through the outbox, in the completion's transaction) and on their
case page. Nothing links the case to what they answer: the offer carries the start page, not a
personal link."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import outbox, policy, sections
from botp.models import CaseEvent, CaseState
from botp.policy import Action

# The programmes for the federal administration, whose participants the monitor is made for.
OFFERED_AFTER = {"fa-botp"}


def offered(case):
    return case.state == CaseState.COMPLETED and case.programme.code in OFFERED_AFTER


@receiver(post_save, sender=CaseEvent, dispatch_uid="evaluation-monitor-offer")
def offer_on_completion(sender, instance, created, **kwargs):
    if not created or instance.to_state != CaseState.COMPLETED:
        return
    case = instance.case
    if case.programme.code in OFFERED_AFTER:
        outbox.enqueue("monitor_offer", f"monitor_offer:{case.pk}", case=case,
                       payload={"case": case.pk})


@sections.register
def monitor_link(case, user):
    if not offered(case) or not policy.can(user, Action.VIEW_MY_PROGRAMME, case):
        return None
    return sections.Link(
        _("Re-integration monitor"), reverse("evaluation:monitor_start"),
        note=_("Back at work? The confidential re-integration monitor shows how your return is "
               "going and what can help. No account is needed and your employer never sees "
               "your answers."))
