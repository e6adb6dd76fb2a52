"""The monitor's daily work (beat): the follow-up invitations the days have made due."""

from celery import shared_task

from evaluation.monitor import services


@shared_task(ignore_result=True)
def invite_follow_ups():
    services.invite_follow_ups()
