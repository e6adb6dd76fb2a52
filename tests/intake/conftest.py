import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from botp import nationalnumber
from botp.models import Sector

BORN = datetime.date(1982, 3, 17)


@pytest.fixture
def niss():
    return nationalnumber.build(BORN, 41)


@pytest.fixture
def form_data(world, niss):
    """A complete, valid screening request as the referrer would post it."""

    def make(**overrides):
        data = {
            "form_key": str(uuid.uuid4()),
            "programme": world.programme.pk,
            "first_name": "Eva",
            "last_name": "Peeters",
            "niss": niss,
            "birth_date": BORN.isoformat(),
            "sex": "F",
            "email": "eva.peeters@example.org",
            "phone": "+32 470 00 00 00",
            "language": "fr",
            "employer_name": "AZ Demo",
            "enterprise_number": "0403.170.701",
            "sector_choice": str(Sector.objects.get(code="hospital").pk),
            "sector_other": "",
            "job_title": "Nurse",
            "work_status": "sick_leave",
            "sick_leave_since": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
            "signals": ["fatigue", "sleep"],
            "signals_other": "",
            "consent": "on",
            "action": "submit",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


@pytest.fixture
def referrer_client(client, world):
    client.force_login(world.referrer)
    return client


def post_new(client, data):
    return client.post(reverse("intake:new"), data)
