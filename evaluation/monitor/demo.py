"""Demo measurements of the re-integration monitor: enough civil servants of FPS Finance in the
last ended quarter for its aggregates to show (wellbeing@ is its wellbeing officer), a few of
FPS Justice (withheld), and one person with a 3-month follow-up. Answers drawn with a fixed
seed."""

import datetime
import random

from django.utils import timezone

from evaluation.monitor import aggregates, services
from evaluation.monitor.models import MonitorPerson, MonitorResponse

GROUPS = [("finance", 14), ("justice", 4), ("health", 11)]


def _measure(response, rng, lean):
    definition = response.instrument.definition
    posted = {item["id"]: str(min(5, max(1, round(rng.gauss(3 + lean, 0.9)))))
              for item in definition["items"]}
    services.save_page(response, posted, definition["items"])
    services.submit(response)


def seed(users):
    if MonitorPerson.objects.exists():
        return
    rng = random.Random(17)
    last_quarter = aggregates.start_of_quarter(timezone.localdate()) - datetime.timedelta(days=20)
    when = timezone.make_aware(datetime.datetime.combine(last_quarter, datetime.time(10)))
    for organisation, count in GROUPS:
        for index in range(count):
            person, _token = services.start(organisation=organisation,
                                            language="fr" if index % 3 == 0 else "nl")
            _measure(person.responses.get(), rng, rng.uniform(-0.8, 0.8))
            MonitorResponse.objects.filter(person=person).update(
                completed_at=when - datetime.timedelta(days=index))
    # One person whose 3-month follow-up is answered, for the comparison.
    person, _token = services.start(organisation="finance", language="nl")
    _measure(person.responses.get(), rng, -0.7)
    MonitorResponse.objects.filter(person=person).update(
        completed_at=timezone.now() - datetime.timedelta(days=100))
    _measure(services.open_response(person), rng, 0.5)
