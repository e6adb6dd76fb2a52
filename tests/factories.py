import datetime
import itertools

import factory

from botp import nationalnumber
from botp.models import Case, Participant, Profession, Provider, Referrer, ReferrerKind, Role, User

_serials = itertools.count(200)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    role = Role.REFERRER
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-42")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ReferrerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referrer

    user = factory.SubFactory(UserFactory, role=Role.REFERRER)
    kind = ReferrerKind.GP


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.PROVIDER)
    is_btp = True
    is_isp = False
    profession = Profession.CLINICAL_PSYCHOLOGIST
    languages = ["nl"]
    province = "VAN"
    postcode = "2000"
    accredited_on = datetime.date(2024, 1, 1)
    training_completed = True

    @factory.post_generation
    def programmes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.programmes.set(extracted)


def valid_niss(born=datetime.date(1980, 5, 12)):
    return nationalnumber.build(born, next(_serials) % 998 + 1)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Participant{n}")
    birth_date = datetime.date(1980, 5, 12)
    language = "nl"
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    niss = factory.LazyFunction(valid_niss)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    participant = factory.SubFactory(ParticipantFactory)


def put_case_in(case, state, **fields):
    """Move ``case`` to ``state`` behind the workflow's back, as a test's starting point (the
    application changes a case's state only through botp.workflow)."""
    type(case).objects.filter(pk=case.pk).update(state=state, **fields)
    case.refresh_from_db()
    return case


def set_rules(programme, caps=None, waves=None, **limits):
    """Change ``programme``'s numbers in its rows and, in place, in every version it has: a test
    of what a number does, not of publishing (tests/botp/test_programme_versions.py does that).
    Case objects already loaded keep what they read."""
    from botp.models import ProgrammeVersion

    for name, value in limits.items():
        setattr(programme, name, value)
    programme.save()
    for code, cap in (caps or {}).items():
        programme.session_types.filter(code=code).update(cap=cap)
    for wave, fields in (waves or {}).items():
        programme.waves.filter(wave=wave).update(**fields)
    for version in ProgrammeVersion.objects.filter(programme=programme):
        rules = dict(version.rules, **limits)
        rules["caps"] = dict(version.rules["caps"], **(caps or {}))
        rules["waves"] = {wave: dict(spec, **(waves or {}).get(wave, {}))
                          for wave, spec in version.rules["waves"].items()}
        ProgrammeVersion.objects.filter(pk=version.pk).update(rules=rules)
