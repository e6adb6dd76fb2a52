"""The evaluation follows the cases: a transition into a state that starts survey waves
(botp.states) makes the invitations it is due, with their e-mails in the outbox, in the
transition's own transaction. Each wave is made once per case, so entering such a state again
(a BTP declined) starts nothing new."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from botp import states
from botp.models import CaseEvent


@receiver(post_save, sender=CaseEvent, dispatch_uid="evaluation-plan-waves")
def plan_waves_after(sender, instance, created, **kwargs):
    if not created or not states.of(instance.to_state).starts_waves:
        return
    from evaluation import waves

    waves.ensure_invitations(instance.case)
