"""Which rules of which programme version apply, and publishing a new version.

The back office edits a programme's rows (Programme, its SessionTypes and SurveyWaveSchedules);
nothing a case does reads those numbers. Publishing takes a snapshot of them as a new
ProgrammeVersion from a date; a case runs under the version in force when its request was
submitted (``for_case``), and a request not yet sent under the one in force today
(``in_force``). Every cap, total, duration, eligibility rule, survey wave and tariff a case uses
is read here.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from botp.models import Programme, ProgrammeVersion

LIMITS = ["max_sick_leave_days", "sick_leave_months", "sick_leave_exception",
          "worker_signs_request", "max_duration_months", "duration_warning_days",
          "max_total_sessions", "max_treatment_sessions", "survey_order", "travel_costs_paid",
          "travel_cost_per_km"]

# How the back office names each rule in a version's list of changes.
LABELS = {
    "max_sick_leave_days": gettext_lazy("Maximum sick-leave days at request"),
    "sick_leave_months": gettext_lazy("Sick leave shorter than (months)"),
    "sick_leave_exception": gettext_lazy(
        "Longer incapacity accepted when not for burnout, with adapted work"),
    "worker_signs_request": gettext_lazy("The worker signs the request"),
    "max_duration_months": gettext_lazy("Maximum duration (months)"),
    "duration_warning_days": gettext_lazy("Warning before the maximum duration (days)"),
    "max_total_sessions": gettext_lazy("Maximum diagnosis and treatment sessions"),
    "max_treatment_sessions": gettext_lazy("Maximum treatment sessions"),
    "survey_order": gettext_lazy("Survey order"),
    "travel_costs_paid": gettext_lazy("Fedris pays the worker's travel costs"),
    "travel_cost_per_km": gettext_lazy("Travel costs per km (euro)"),
    "sectors": gettext_lazy("Eligible sectors"),
    "caps": gettext_lazy("Maximum sessions"),
    "recommended": gettext_lazy("Recommended sessions"),
    "tariffs": gettext_lazy("Tariff (euro)"),
    "waves": gettext_lazy("Survey wave"),
    "notes": gettext_lazy("Note"),
    "providers": gettext_lazy("Providers"),
    "payments": gettext_lazy("Payment rules"),
}


def snapshot(programme):
    """The rules of ``programme`` as its rows hold them now, as a version stores them."""
    rules = {name: getattr(programme, name) for name in LIMITS}
    if rules["travel_cost_per_km"] is not None:
        rules["travel_cost_per_km"] = str(rules["travel_cost_per_km"])
    rules["sectors"] = sorted(programme.eligible_sectors.values_list("code", flat=True))
    types = list(programme.session_types.all())
    rules["caps"] = {t.code: t.cap for t in types}
    rules["recommended"] = {t.code: t.recommended for t in types if t.recommended}
    rules["tariffs"] = {t.code: (programme.tariffs or {}).get(t.code) for t in types}
    rules["waves"] = {
        w.wave: {"trigger": w.trigger, "offset_days": w.offset_days, "open_days": w.open_days,
                 "reminder_days": list(w.reminder_days), "send_to_withdrawn": w.send_to_withdrawn,
                 "send_to_not_confirmed": w.send_to_not_confirmed}
        for w in programme.waves.all()
    }
    rules["notes"] = dict(programme.notes or {})
    rules["payments"] = dict(programme.payment_rules or {})
    return rules


@dataclass(frozen=True)
class Wave:
    """A survey wave as a version schedules it (the fields of SurveyWaveSchedule)."""

    wave: str
    trigger: str
    offset_days: int
    open_days: int
    reminder_days: tuple
    send_to_withdrawn: bool = False
    send_to_not_confirmed: bool = False


class Rules:
    """One version's rules, read as attributes (``rules.max_total_sessions``) and per session
    type (``rules.cap(session_type)``)."""

    def __init__(self, version):
        self.version = version
        self.data = version.rules

    @property
    def programme(self):
        return self.version.programme

    def __getattr__(self, name):
        if name in LIMITS:
            return self.data.get(name)
        raise AttributeError(name)

    def cap(self, session_type):
        """The most sessions of ``session_type`` (or its code); 0 for a type the version does
        not have."""
        code = getattr(session_type, "code", session_type)
        return self.data.get("caps", {}).get(code, 0)

    def recommended(self, session_type):
        return self.data.get("recommended", {}).get(getattr(session_type, "code", session_type))

    def tariff(self, session_type):
        return self.data.get("tariffs", {}).get(getattr(session_type, "code", session_type))

    @property
    def payments(self):
        """What else the version pays (botp.payments.tariffs reads it): {} before it said."""
        return self.data.get("payments") or {}

    @property
    def sector_codes(self):
        return set(self.data.get("sectors", []))

    @property
    def waves(self):
        return [Wave(wave, spec["trigger"], spec["offset_days"], spec["open_days"],
                     tuple(spec.get("reminder_days", [])), spec.get("send_to_withdrawn", False),
                     spec.get("send_to_not_confirmed", False))
                for wave, spec in self.data.get("waves", {}).items()]

    def wave(self, code):
        return next((w for w in self.waves if w.wave == code), None)

    def note(self, key):
        """What the programme's data says is open about rule ``key``, in the reader's
        language (English, then Dutch, when missing), or ""."""
        texts = self.data.get("notes", {}).get(key) or {}
        language = (get_language() or "nl")[:2]
        return texts.get(language) or texts.get("en") or texts.get("nl") or ""

    def session_types(self):
        """The programme's session types with this version's caps, in order (a type the
        version gives no sessions of is left out)."""
        found = []
        for session_type in self.programme.session_types.all():
            if self.cap(session_type) or session_type.code in self.data.get("caps", {}):
                session_type.cap = self.cap(session_type)
                session_type.recommended = self.recommended(session_type)
                found.append(session_type)
        return found

    def session_type(self, code):
        return next((t for t in self.session_types() if t.code == code), None)

    def __str__(self):
        return str(self.version)


def for_version(version):
    return Rules(version)


def for_case(case):
    """The rules ``case`` runs under: its version's, kept on the instance."""
    cached = case.__dict__.get("_rules")
    if cached is not None and cached.version.pk == case.programme_version_id:
        return cached
    version = case.programme_version
    if version is None:  # a case made before versions, or by hand in a test
        version = ProgrammeVersion.objects.in_force(
            case.programme, timezone.localdate(case.requested_at))
    rules = Rules(version)
    case.__dict__["_rules"] = rules
    return rules


def of(subject):
    """The rules of ``subject``: a Rules as it is, a case's (``for_case``), or a programme's
    in force today."""
    if isinstance(subject, Rules):
        return subject
    if isinstance(subject, Programme):
        return in_force(subject)
    return for_case(subject)


def in_force_version(programme, day=None):
    return ProgrammeVersion.objects.in_force(programme, day)


def in_force(programme, day=None):
    """The rules of ``programme`` in force on ``day`` (a request being filled in today)."""
    version = ProgrammeVersion.objects.in_force(programme, day)
    return Rules(version) if version is not None else None


# --- Publishing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: object
    after: object


def _flatten(rules):
    flat = {}
    for key, value in rules.items():
        if isinstance(value, dict):
            for sub, item in value.items():
                flat[(key, sub)] = item
        else:
            flat[(key, "")] = value
    return flat


def label(key, names=None):
    """How the back office names rule ``key`` ("caps.individual": "Maximum sessions:
    Individual session"), with ``names`` {session type code: name}."""
    base, _dot, sub = key.partition(".")
    text = str(LABELS.get(base, base))
    return f"{text}: {(names or {}).get(sub, sub)}" if sub else text


def type_names(programme):
    return {t.code: t.name for t in programme.session_types.all()}


def diff(before, after, names=None):
    """The rules that differ between two snapshots, each a Change (before None: new)."""
    old, new = _flatten(before or {}), _flatten(after)
    return [Change(f"{k}.{s}" if s else k, label(f"{k}.{s}" if s else k, names),
                   old.get((k, s)), new.get((k, s)))
            for (k, s) in sorted(set(old) | set(new), key=lambda pair: (pair[0], pair[1]))
            if old.get((k, s)) != new.get((k, s))]


def pending_changes(programme):
    """What publishing ``programme`` now would change, against its latest version."""
    latest = programme.versions.order_by("-number").first()
    return diff(latest.rules if latest else None, snapshot(programme), type_names(programme))


def publish(programme, user, *, valid_from, change_note):
    """Publish the programme's rows as a new version from ``valid_from`` (today or later);
    cases already submitted keep theirs. Audited with the list of changes."""
    from botp import audit  # it reads the models: imported when used

    if valid_from < timezone.localdate():
        raise ValidationError({"valid_from": ValidationError(
            _("A new version starts today or later: requests already sent keep the rules "
              "they were sent under."), code="past_valid_from")})
    if not change_note.strip():
        raise ValidationError({"change_note": ValidationError(
            _("Say what changes and why."), code="change_note_required")})
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        latest = programme.versions.order_by("-number").first()
        rules = snapshot(programme)
        changes = diff(latest.rules if latest else None, rules)
        if latest is not None and not changes:
            raise ValidationError(_("Nothing has changed since version %(number)s.")
                                  % {"number": latest.number}, code="no_change")
        if latest is not None and valid_from < latest.valid_from:
            raise ValidationError({"valid_from": ValidationError(
                _("Version %(number)s is valid from %(date)s: a new version starts on that "
                  "day or later.") % {"number": latest.number,
                                      "date": latest.valid_from.strftime("%d/%m/%Y")},
                code="before_latest")})
        version = ProgrammeVersion.objects.create(
            programme=programme, number=(latest.number + 1) if latest else 1,
            valid_from=valid_from, rules=rules, change_note=change_note.strip(),
            created_by=user)
        with audit.acting_as(user):
            audit.record_change(
                f"programme:{programme.pk}",
                f"programme {programme.code} version {version.number} published",
                {change.key: [change.before, change.after] for change in changes})
    return version


def publish_first(programme, valid_from):
    """Version 1 of a programme loaded from the shipped data, when it has none yet."""
    if programme.versions.exists():
        return programme.versions.order_by("number").first()
    return ProgrammeVersion.objects.create(
        programme=programme, number=1, valid_from=valid_from, rules=snapshot(programme),
        change_note="Loaded from the programme's published rules.")


def version_changes(version):
    """What ``version`` changed against the one before it ([] for a first version)."""
    before = version.programme.versions.filter(number__lt=version.number).order_by(
        "-number").first()
    if before is None:
        return []
    return diff(before.rules, version.rules, type_names(version.programme))

