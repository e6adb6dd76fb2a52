"""The evaluation follows the cases: a transition that can start a survey wave makes its
invitations, with their e-mails in the outbox, in the transition's own transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from botp.models import CaseEvent, CaseState

# States a case enters that can open a wave: admission (pre-test) and the ends (post-tests).
WAVE_TRIGGERS = {CaseState.AWAITING_BTP_CHOICE, CaseState.COMPLETED, CaseState.WITHDRAWN,
                 CaseState.CLOSED}


@receiver(post_save, sender=CaseEvent, dispatch_uid="evaluation-plan-waves")
def plan_waves_after(sender, instance, created, **kwargs):
    if not created or instance.to_state not in WAVE_TRIGGERS:
        return
    if instance.action == "decline_case":
        return  # back to choosing a BTP: no new admission
    from evaluation import waves

    waves.ensure_invitations(instance.case)
