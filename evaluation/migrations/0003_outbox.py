import datetime

from django.db import migrations
from django.utils import timezone


def queue_unsent_invitations(apps, schema_editor):
    """Invitations not sent yet get their outbox message, due on their first day."""
    SurveyInvitation = apps.get_model("evaluation", "SurveyInvitation")
    OutboxMessage = apps.get_model("botp", "OutboxMessage")
    unsent = SurveyInvitation.objects.filter(sent_at__isnull=True, completed_at__isnull=True,
                                             closes_at__gt=timezone.now())
    OutboxMessage.objects.bulk_create([
        OutboxMessage(
            key=f"survey_invitation:{invitation.pk}", kind="survey_invitation",
            case_id=invitation.case_id, payload={"invitation": invitation.pk},
            next_attempt_at=timezone.make_aware(
                datetime.datetime.combine(invitation.due_on, datetime.time.min)),
        )
        for invitation in unsent
    ], ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('botp', '0008_outbox'),
        ('evaluation', '0002_survey_waves'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='surveyinvitation',
            name='last_error',
        ),
        migrations.RemoveField(
            model_name='surveyinvitation',
            name='send_attempts',
        ),
        migrations.RunPython(queue_unsent_invitations, migrations.RunPython.noop),
    ]
