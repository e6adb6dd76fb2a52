"""The people of the programme and the role each account holds."""

import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import nationalnumber


class Role(models.TextChoices):
    REFERRER = "referrer", _("Referrer")
    FEDRIS_ADMIN = "fedris_admin", _("Fedris administrator")
    FEDRIS_PSYCHOLOGIST = "fedris_psychologist", _("Fedris psychologist")
    PROVIDER = "provider", _("Care provider (BTP / ISP)")
    PARTICIPANT = "participant", _("Participant")
    RESEARCHER = "researcher", _("Researcher")
    WELLBEING_OFFICER = "wellbeing_officer", _("Wellbeing officer")


# Roles whose accounts reach health data or decide on cases: they must use two-factor
# authentication outside demo mode.
PROFESSIONAL_ROLES = {
    Role.REFERRER,
    Role.FEDRIS_ADMIN,
    Role.FEDRIS_PSYCHOLOGIST,
    Role.PROVIDER,
    Role.RESEARCHER,
    Role.WELLBEING_OFFICER,
}


class Language(models.TextChoices):
    """The languages the portal speaks: Belgium's three national ones, and English."""

    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    DE = "de", _("German")
    EN = "en", _("English")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.FEDRIS_ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    # A professional's national register number, only as its keyed hash (botp.nationalnumber),
    # recorded by the invitation: what a login through the Federal Authentication Service
    # (botp.fas) is matched with. Empty: no login through FAS.
    niss_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def home_title(self):
        """The title of this account's dashboard."""
        return HOME_TITLES.get(self.role, _("Dashboard"))

    @property
    def needs_two_factor(self):
        return self.role in PROFESSIONAL_ROLES

    def save(self, *args, **kwargs):
        # Who may reach what follows from the role: an account keeps the role it was invited
        # with (a psychologist's account turned administrator, or an administrator's turned
        # provider, would carry its history and its sessions into the other role).
        if self.is_staff and self.role != Role.FEDRIS_ADMIN:
            raise PermissionError("only a Fedris administrator's account is staff")
        update_fields = kwargs.get("update_fields")
        if self.pk and not self._state.adding and (update_fields is None
                                                   or "role" in update_fields):
            stored = User.objects.filter(pk=self.pk).values_list("role", flat=True).first()
            if stored and stored != self.role:
                raise PermissionError("an account's role cannot be changed")
        super().save(*args, **kwargs)


HOME_TITLES = {
    Role.REFERRER: _("My screening requests"),
    Role.FEDRIS_ADMIN: _("Needs your action"),
    Role.FEDRIS_PSYCHOLOGIST: _("Needs your action"),
    Role.PROVIDER: _("Needs your action"),
    Role.PARTICIPANT: _("My case"),
    Role.RESEARCHER: _("Evaluation"),
    Role.WELLBEING_OFFICER: _("Re-integration monitor"),
}


class ReferrerKind(models.TextChoices):
    GP = "gp", _("General practitioner")
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("Occupational physician")
    PREVENTION_ADVISOR = "prevention_advisor", _(
        "Prevention advisor for psychosocial aspects"
    )


class Referrer(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="referrer")
    kind = models.CharField(_("kind"), max_length=32, choices=ReferrerKind.choices)
    riziv_number = models.CharField(
        _("RIZIV/INAMI number"), max_length=20, blank=True,
        help_text=_("For physicians; prevention advisors leave it empty."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("referrer")
        verbose_name_plural = _("referrers")

    def __str__(self):
        return f"{self.user} ({self.get_kind_display()})"


class Profession(models.TextChoices):
    PHYSICIAN = "physician", _("Physician")
    OCCUPATIONAL_PSYCHOLOGIST = "occupational_psychologist", _("Occupational psychologist")
    CLINICAL_PSYCHOLOGIST = "clinical_psychologist", _("Clinical psychologist")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")


# Who may hold which provider role (DESIGN.md section 1).
BTP_PROFESSIONS = {
    Profession.PHYSICIAN, Profession.OCCUPATIONAL_PSYCHOLOGIST, Profession.CLINICAL_PSYCHOLOGIST,
}
ISP_PROFESSIONS = {Profession.CLINICAL_PSYCHOLOGIST, Profession.PHYSIOTHERAPIST}
# Who holds which registration: an INAMI/RIZIV number for the health professions INAMI/RIZIV
# knows, a registration with the Psychologists' Commission for psychologists.
RIZIV_PROFESSIONS = {
    Profession.PHYSICIAN, Profession.CLINICAL_PSYCHOLOGIST, Profession.PHYSIOTHERAPIST,
}
COMMISSION_PROFESSIONS = {Profession.OCCUPATIONAL_PSYCHOLOGIST, Profession.CLINICAL_PSYCHOLOGIST}


class SpokenLanguage(models.TextChoices):
    """Languages a provider can hold sessions in (German is Belgium's third national one)."""

    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    DE = "de", _("German")
    EN = "en", _("English")


class Province(models.TextChoices):
    ANTWERP = "VAN", _("Antwerp")
    LIMBURG = "VLI", _("Limburg")
    EAST_FLANDERS = "VOV", _("East Flanders")
    FLEMISH_BRABANT = "VBR", _("Flemish Brabant")
    WEST_FLANDERS = "VWV", _("West Flanders")
    BRUSSELS = "BRU", _("Brussels-Capital Region")
    WALLOON_BRABANT = "WBR", _("Walloon Brabant")
    HAINAUT = "WHT", _("Hainaut")
    LIEGE = "WLG", _("Liège")
    LUXEMBOURG = "WLX", _("Luxembourg")
    NAMUR = "WNA", _("Namur")


class ProviderQuerySet(models.QuerySet):
    def accredited(self):
        # A provider whose invitation is not accepted yet has no account to work with; one
        # whose accreditation has ended is not accredited any more.
        return self.filter(
            Q(accreditation_expires_on__isnull=True)
            | Q(accreditation_expires_on__gte=timezone.localdate()),
            active=True, accredited_on__isnull=False, training_completed=True,
            user__isnull=False, user__is_active=True)

    def accreditation_ending(self, within_days, today=None):
        """Active providers whose accreditation ends within ``within_days`` days (or has
        ended): Fedris renews it or takes them out of the directory."""
        today = today or timezone.localdate()
        return self.filter(active=True, accreditation_expires_on__isnull=False,
                           accreditation_expires_on__lte=today
                           + datetime.timedelta(days=within_days))

    def btps(self):
        return self.accredited().filter(is_btp=True)

    def isps(self):
        return self.accredited().filter(is_isp=True)


class Provider(models.Model):
    """A professional selected and trained by Fedris: a BTP, an ISP, or both.

    Its account is made once, when the professional accepts the invitation sent to their own
    address (botp.invitations), and never changes after: re-pointing the record to another
    account would hand that account the provider's caseload. The model refuses it, and so
    does PostgreSQL (migration 0009)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="provider",
                                null=True, blank=True, editable=False,
                                verbose_name=_("account"))
    is_btp = models.BooleanField(_("burnout treatment provider (BTP)"), default=False)
    is_isp = models.BooleanField(_("individual session provider (ISP)"), default=False)
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices)
    languages = models.JSONField(_("languages spoken"), default=list)
    province = models.CharField(_("province"), max_length=3, choices=Province.choices)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("practice address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    accredited_on = models.DateField(_("accredited on"), null=True, blank=True)
    accreditation_expires_on = models.DateField(
        _("accreditation valid until"), null=True, blank=True,
        help_text=_("Administrators see a to-do when it comes near."))
    accreditation_reference = models.CharField(
        _("Fedris accreditation reference"), max_length=30, blank=True)
    riziv_number = models.CharField(
        _("INAMI/RIZIV number"), max_length=11, blank=True,
        help_text=_("Physicians, clinical psychologists and physiotherapists: 11 digits, "
                    "e.g. 1-23456-78-901."))
    commission_number = models.CharField(
        _("Psychologists' Commission registration"), max_length=10, blank=True,
        help_text=_("Psychologists: the number of their registration with the Psychologists' "
                    "Commission."))
    training_completed = models.BooleanField(_("Fedris training completed"), default=False)
    active = models.BooleanField(_("active"), default=True)
    programmes = models.ManyToManyField(
        "botp.Programme", related_name="providers", verbose_name=_("programmes"), blank=True
    )

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")

    def __str__(self):
        if self.user_id:
            return str(self.user)
        invitation = self.invitations.first() if self.pk else None
        name = invitation.full_name if invitation else ""
        return _("%(name)s (invitation not accepted yet)") % {"name": name or "—"}

    def save(self, *args, **kwargs):
        if self.user_id is not None and self.user.role != Role.PROVIDER:
            raise PermissionError("a provider record belongs to a care provider's account")
        if self.pk and not self._state.adding:
            stored = Provider.objects.filter(pk=self.pk).values_list("user_id", flat=True)
            stored = stored.first()
            if stored is not None and stored != self.user_id:
                raise PermissionError("a provider record's account cannot be changed")
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if not (self.is_btp or self.is_isp):
            errors["is_btp"] = _("A provider is a BTP, an ISP or both.")
        if self.is_btp and self.profession not in BTP_PROFESSIONS:
            errors["profession"] = _(
                "A BTP is a physician, an occupational psychologist or a clinical psychologist."
            )
        elif self.is_isp and self.profession not in ISP_PROFESSIONS:
            errors["profession"] = _("An ISP is a clinical psychologist or a physiotherapist.")
        errors.update(self._registration_errors())
        unknown = set(self.languages or []) - set(SpokenLanguage.values)
        if not self.languages or unknown:
            errors["languages"] = _("Choose at least one language the sessions can be held in.")
        if self.user_id and self.user.role != Role.PROVIDER:
            errors["user"] = _("The account must have the care provider role.")
        if errors:
            raise ValidationError(errors)

    def _registration_errors(self):
        """Check and write in their compact form the registration numbers and the
        accreditation's dates (botp.registration)."""
        from django.core.exceptions import ValidationError

        from botp import registration

        errors = {}
        checks = [("riziv_number", registration.validate_riziv, RIZIV_PROFESSIONS,
                   _("Only physicians, clinical psychologists and physiotherapists have an "
                     "INAMI/RIZIV number.")),
                  ("commission_number", registration.validate_commission,
                   COMMISSION_PROFESSIONS,
                   _("Only psychologists are registered with the Psychologists' "
                     "Commission."))]
        for name, validate, professions, wrong_profession in checks:
            value = getattr(self, name)
            if not value:
                continue
            if self.profession not in professions:
                errors[name] = wrong_profession
                continue
            try:
                setattr(self, name, validate(value))
            except ValidationError as error:
                errors[name] = error.messages
        if self.accreditation_reference:
            try:
                self.accreditation_reference = registration.validate_accreditation(
                    self.accreditation_reference)
            except ValidationError as error:
                errors["accreditation_reference"] = error.messages
        if self.accreditation_expires_on and not self.accredited_on:
            errors["accredited_on"] = _("An accreditation that ends has a start date.")
        elif (self.accreditation_expires_on and self.accredited_on
              and self.accreditation_expires_on <= self.accredited_on):
            errors["accreditation_expires_on"] = _(
                "The accreditation ends after the day it starts.")
        return errors

    def registrations(self):
        """The provider's registration numbers as a report shows them, in the reader's
        language: [(label, number)]."""
        from botp import registration

        shown = []
        if self.riziv_number:
            shown.append((_("INAMI/RIZIV number"),
                          registration.format_riziv(self.riziv_number)))
        if self.commission_number:
            shown.append((_("Psychologists' Commission registration"), self.commission_number))
        if self.accreditation_reference:
            shown.append((_("Fedris accreditation"), self.accreditation_reference))
        return shown

    @property
    def is_accredited(self):
        return (self.active and self.training_completed and self.accredited_on is not None
                and (self.accreditation_expires_on is None
                     or self.accreditation_expires_on >= timezone.localdate()))

    def get_languages_display(self):
        labels = dict(SpokenLanguage.choices)
        return [labels.get(code, code) for code in self.languages]


class Participant(models.Model):
    """The worker taking part. The NISS is kept only encrypted, with a keyed hash for lookups."""

    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="participant"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    niss_encrypted = models.BinaryField(editable=False)
    niss_hash = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.NL
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def niss(self):
        return nationalnumber.decrypt(bytes(self.niss_encrypted))

    @niss.setter
    def niss(self, value):
        number = nationalnumber.validate(value)
        self.niss_encrypted = nationalnumber.encrypt(number)
        self.niss_hash = nationalnumber.keyed_hash(number)

    @classmethod
    def with_niss(cls, value):
        """Participants with this NISS, found by keyed hash (the number itself is never queried)."""
        return cls.objects.filter(niss_hash=nationalnumber.keyed_hash(value))


class FederalOrganisation(models.TextChoices):
    """The organisations of the federal administration whose civil servants the re-integration
    monitor (FA-BRM) asks: its aggregates are by organisation."""

    CHANCELLERY = "chancellery", _("FPS Chancellery of the Prime Minister")
    BOSA = "bosa", _("FPS Policy and Support (BOSA)")
    FOREIGN_AFFAIRS = "foreign_affairs", _("FPS Foreign Affairs")
    HOME_AFFAIRS = "home_affairs", _("FPS Home Affairs")
    FINANCE = "finance", _("FPS Finance")
    MOBILITY = "mobility", _("FPS Mobility and Transport")
    EMPLOYMENT = "employment", _("FPS Employment, Labour and Social Dialogue")
    SOCIAL_SECURITY = "social_security", _("FPS Social Security")
    HEALTH = "health", _("FPS Health, Food Chain Safety and Environment")
    JUSTICE = "justice", _("FPS Justice")
    ECONOMY = "economy", _("FPS Economy")
    DEFENCE = "defence", _("Defence")
    OTHER = "other", _("Another federal organisation")


class WellbeingOfficer(models.Model):
    """An organisation's wellbeing officer: sees the re-integration monitor's aggregates for
    their own organisation, nothing else."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="wellbeing_officer")
    organisation = models.CharField(_("organisation"), max_length=32,
                                    choices=FederalOrganisation.choices)

    class Meta:
        verbose_name = _("wellbeing officer")
        verbose_name_plural = _("wellbeing officers")

    def __str__(self):
        return f"{self.user} ({self.get_organisation_display()})"

    def save(self, *args, **kwargs):
        if self.user.role != Role.WELLBEING_OFFICER:
            raise PermissionError("a wellbeing officer's record belongs to such an account")
        super().save(*args, **kwargs)
