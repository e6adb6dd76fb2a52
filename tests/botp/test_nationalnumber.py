import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from botp import nationalnumber
from botp.models import Participant
from tests.factories import ParticipantFactory


def bis_number(born, serial, month_offset=40):
    base = f"{born:%y}{born.month + month_offset:02d}{born:%d}{serial:03d}"
    prefix = "2" if born.year >= 2000 else ""
    return f"{base}{97 - int(prefix + base) % 97:02d}"


def test_a_valid_number_born_before_2000():
    number = nationalnumber.build(datetime.date(1985, 7, 14), 123)
    assert nationalnumber.validate(f"{number[:2]}.{number[2:4]}.{number[4:6]}-"
                                   f"{number[6:9]}.{number[9:]}") == number
    assert nationalnumber.birth_date(number) == datetime.date(1985, 7, 14)


def test_a_valid_number_born_after_2000_uses_the_2_prefix_in_its_check():
    number = nationalnumber.build(datetime.date(2003, 2, 1), 42)
    assert nationalnumber.validate(number) == number
    assert nationalnumber.birth_date(number) == datetime.date(2003, 2, 1)
    # The check digits carry the century: the same first nine digits checked without the 2
    # prefix are someone born in 1903.
    base = number[:9]
    born_1903 = f"{base}{97 - int(base) % 97:02d}"
    assert born_1903 != number
    assert nationalnumber.birth_date(born_1903) == datetime.date(1903, 2, 1)


def test_a_wrong_checksum_is_refused_with_a_clear_message():
    number = nationalnumber.build(datetime.date(1985, 7, 14), 123)
    wrong = number[:9] + f"{(int(number[9:]) + 1) % 97:02d}"
    with pytest.raises(ValidationError) as error:
        nationalnumber.validate(wrong)
    assert error.value.code == "niss_checksum"


@pytest.mark.parametrize("value", ["", "1234", "abcdefghijk", "850714123456"])
def test_malformed_numbers_are_refused(value):
    with pytest.raises(ValidationError) as error:
        nationalnumber.validate(value)
    assert error.value.code == "niss_format"


@pytest.mark.parametrize("offset", [20, 40])
def test_bis_numbers_are_accepted(offset):
    number = bis_number(datetime.date(1990, 3, 9), 7, offset)
    assert nationalnumber.validate(number) == number
    assert nationalnumber.birth_date(number) == datetime.date(1990, 3, 9)


@pytest.mark.django_db
def test_the_number_is_encrypted_at_rest_and_found_by_keyed_hash():
    number = nationalnumber.build(datetime.date(1985, 7, 14), 123)
    participant = ParticipantFactory(niss=number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM botp_participant WHERE id = %s", [participant.pk])
        row = cursor.fetchone()
    stored = b"".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
                      for v in row)
    assert number.encode() not in stored
    assert Participant.objects.get(pk=participant.pk).niss == number
    formatted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    assert list(Participant.with_niss(formatted)) == [participant]
    other = nationalnumber.build(datetime.date(1985, 7, 14), 125)
    assert not Participant.with_niss(other).exists()


def test_the_keyed_hash_depends_on_the_secret(settings):
    number = nationalnumber.build(datetime.date(1985, 7, 14), 123)
    first = nationalnumber.keyed_hash(number)
    settings.PERSONAL_DATA_KEY = "another-key-for-another-deployment-0123456789"
    assert nationalnumber.keyed_hash(number) != first
    import hashlib
    assert first != hashlib.sha256(number.encode()).hexdigest()


def test_an_invalid_number_cannot_be_stored():
    with pytest.raises(ValidationError):
        Participant(first_name="A", last_name="B").niss = "12345678901"
