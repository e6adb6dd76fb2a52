"""Demo campaigns: one closed, answered by enough of the network for its aggregates to show,
and one open, sent to two external addresses, to remind or close."""

import datetime
import random

from django.utils import timezone

from evaluation.campaigns import services
from evaluation.campaigns.models import Campaign

TEXTS = ["Clear forms.", "Quick answers from Fedris.", "The starter kit.",
         "More sessions for some participants.", "Less paperwork for the final report.",
         "Shorter waiting time before the diagnosis."]


def seed(users):
    if Campaign.objects.exists():
        return
    rng = random.Random(6)
    closed = services.send(
        by=users["admin"], title="Process evaluation 2025", questionnaire="network_process",
        audiences=["btp", "isp", "referrer"], programme=None,
        external=[f"partner{n}@demo.botp.be" for n in range(1, 9)], external_language="nl",
        closes_on=timezone.localdate() + datetime.timedelta(days=1))
    definition = closed.questionnaire.definition
    for recipient in closed.recipients.order_by("pk")[:12]:
        posted = {item["id"]: str(rng.randint(2, 5)) for item in definition["items"]
                  if item["type"] == "choice"}
        posted["to_improve"] = rng.choice(TEXTS)
        services.answer(recipient, posted)
    services.close(closed)
    services.send(by=users["admin"], title="Process evaluation FA-BOTP 2026",
                  questionnaire="network_process", audiences=[], programme=None,
                  external=["advisor@demo.botp.be", "union@demo.botp.be"],
                  external_language="fr",
                  closes_on=timezone.localdate() + datetime.timedelta(days=21))
