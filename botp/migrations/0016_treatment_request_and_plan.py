"""The treatment request, the treatment plan and its amendments become botp's: the stages fill
them (diagnosis and treatment migrations copy their rows here), the workflow makes and amends
the plan. On PostgreSQL the database refuses to change or remove an amendment, as it did in
treatment."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APPROACHES = [("cognitive_emotional", "Cognitive-emotional"),
              ("psycho_corporal", "Psycho-corporal")]
LINE_ORDER = ["session_type__order", "approach", "pk"]


def _line_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                   verbose_name="ID")),
        ("approach", models.CharField(blank=True, choices=APPROACHES, max_length=32,
                                      verbose_name="approach")),
        ("planned_sessions", models.PositiveSmallIntegerField(verbose_name="planned sessions")),
        ("provider", models.ForeignKey(blank=True, null=True,
                                       on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="botp.provider",
                                       verbose_name="given by")),
        ("session_type", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                           related_name="+", to="botp.sessiontype",
                                           verbose_name="session type")),
    ]


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TRIGGER botp_planamendment_append_only BEFORE UPDATE OR DELETE ON "
        "botp_planamendment FOR EACH ROW EXECUTE FUNCTION botp_refuse_change();"
    )


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS botp_planamendment_append_only ON botp_planamendment;")


class Migration(migrations.Migration):

    dependencies = [
        ("botp", "0015_programme_survey_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TreatmentRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("version", models.PositiveIntegerField(verbose_name="version")),
                ("submitted_at", models.DateTimeField(blank=True, null=True,
                                                      verbose_name="submitted on")),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                           related_name="treatment_requests", to="botp.case")),
            ],
            options={
                "verbose_name": "treatment request",
                "verbose_name_plural": "treatment requests",
                "ordering": ["case", "version"],
                "constraints": [models.UniqueConstraint(fields=("case", "version"),
                                                        name="unique_request_version")],
            },
        ),
        migrations.CreateModel(
            name="TreatmentRequestLine",
            fields=_line_fields() + [
                ("request", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="lines",
                                              to="botp.treatmentrequest")),
            ],
            options={
                "verbose_name": "treatment request line",
                "verbose_name_plural": "treatment request lines",
                "ordering": LINE_ORDER,
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="TreatmentPlan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("case", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                              related_name="treatment_plan", to="botp.case")),
                ("approved_request", models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="botp.treatmentrequest")),
            ],
            options={
                "verbose_name": "treatment plan",
                "verbose_name_plural": "treatment plans",
            },
        ),
        migrations.CreateModel(
            name="PlanLine",
            fields=_line_fields() + [
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="lines", to="botp.treatmentplan")),
            ],
            options={
                "verbose_name": "plan line",
                "verbose_name_plural": "plan lines",
                "ordering": LINE_ORDER,
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PlanAmendment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reason", models.TextField(verbose_name="reason")),
                ("before", models.JSONField()),
                ("after", models.JSONField()),
                ("actor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to=settings.AUTH_USER_MODEL)),
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                           related_name="amendments",
                                           to="botp.treatmentplan")),
            ],
            options={
                "verbose_name": "plan amendment",
                "verbose_name_plural": "plan amendments",
                "ordering": ["at", "pk"],
            },
        ),
        migrations.RunPython(append_only, drop_append_only),
    ]
