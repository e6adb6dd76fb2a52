"""Every change to accounts and to the provider directory leaves an audit entry: accounts, their
groups and e-mail addresses, two-factor devices and API tokens, provider records (their
accreditation and programmes included), referrer records and invitations.

The entries are written from the models' signals, in the transaction of the change, so no page,
service or command can change one of these records without it being recorded: the back office,
an invitation being accepted, the demo seed alike. Each names who acted (botp.audit.acting_as),
the record, and every changed field with its old and new value; secrets (passwords, token
digests, two-factor keys) only as "changed". Fedris psychologists read the trail on the
portal's account audit page; nobody can change it.

A queryset ``update()`` bypasses signals: these records are not changed that way (PostgreSQL
refuses the one change that matters most, a provider record's account, however it comes).
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

from botp import audit
from botp.models import SpokenLanguage


@dataclass(frozen=True)
class Tracked:
    fields: tuple
    secret: tuple = ()
    many: tuple = field(default=())


TRACKED = {
    "botp.User": Tracked(
        ("email", "first_name", "last_name", "role", "language", "is_active", "is_staff",
         "is_superuser"), secret=("password", "niss_hash"), many=("groups", "user_permissions")),
    "botp.Provider": Tracked(
        ("user", "is_btp", "is_isp", "profession", "languages", "province", "postcode", "city",
         "address", "phone", "accredited_on", "accreditation_expires_on",
         "accreditation_reference", "riziv_number", "commission_number", "training_completed",
         "active"),
        many=("programmes",)),
    "botp.Referrer": Tracked(("user", "kind", "riziv_number", "organisation", "phone")),
    "botp.Invitation": Tracked(
        ("email", "first_name", "last_name", "language", "role", "provider", "invited_by",
         "expires_at", "accepted_at", "revoked_at", "user"), secret=("niss_hash",)),
    "botp.ApiToken": Tracked(("user", "name", "expires_at"), secret=("digest",)),
    "auth.Group": Tracked(("name",), many=("permissions",)),
    "account.EmailAddress": Tracked(("user", "email", "verified", "primary")),
    "mfa.Authenticator": Tracked(("user", "type"), secret=("data",)),
}

# The labels of codes kept in lists (a provider's languages), for the reader.
LIST_LABELS = {"languages": dict(SpokenLanguage.choices)}

# Shown instead of a secret's value.
SECRET = "(secret)"


def subject_of(instance):
    return f"{instance._meta.model_name}:{instance.pk}"


def _tracked(sender):
    return TRACKED.get(sender._meta.label)


def _plain(value):
    """A field's value as JSON can hold it."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def _values(model, pk, names):
    row = model._default_manager.filter(pk=pk).values(*names).first()
    return row


def _field_names(model, spec):
    return [model._meta.get_field(name).attname for name in spec.fields + spec.secret]


def _label(model, name, value):
    """A foreign key's value with what it points to ("Sofie Janssens (#12)")."""
    model_field = model._meta.get_field(name)
    if value is None or not model_field.is_relation:
        return _plain(value)
    target = model_field.related_model._default_manager.filter(pk=value).first()
    return f"{target} (#{value})" if target is not None else f"#{value}"


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    spec = _tracked(sender)
    if spec is None or raw:
        return
    names = _field_names(sender, spec)
    watched = set(names) | set(spec.fields + spec.secret)
    if instance._state.adding or instance.pk is None or (
            update_fields is not None and not watched & set(update_fields)):
        # Nothing audited can change (a login saves only ``last_login``).
        instance._audit_before = None
        return
    instance._audit_before = _values(sender, instance.pk, names)


def _after_save(sender, instance, created, raw=False, **kwargs):
    spec = _tracked(sender)
    if spec is None or raw:
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not created and before is None:
        return
    changes = {}
    for name in spec.fields + spec.secret:
        attname = sender._meta.get_field(name).attname
        new = getattr(instance, attname)
        old = None if created else before.get(attname)
        if _plain(old) == _plain(new) or (created and new in (None, "", [], {})):
            continue
        if name in spec.secret:
            changes[name] = [None if created else SECRET, SECRET]
        else:
            changes[name] = [_label(sender, name, old), _label(sender, name, new)]
    if changes:
        action = "created" if created else "changed"
        audit.record_change(subject_of(instance),
                            f"{sender._meta.model_name} {instance.pk} {action}: {instance}",
                            changes)


def _after_delete(sender, instance, **kwargs):
    spec = _tracked(sender)
    if spec is None:
        return
    changes = {}
    for name in spec.fields:
        value = getattr(instance, sender._meta.get_field(name).attname)
        if value not in (None, "", [], {}):
            changes[name] = [_label(sender, name, value), None]
    audit.record_change(subject_of(instance),
                        f"{sender._meta.model_name} {instance.pk} deleted: {instance}", changes)


def _many_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A change to one of the tracked many-to-many fields (a provider's programmes, an
    account's groups), from either side of the relation."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    owner_model = model if reverse else type(instance)
    name = _many_name(owner_model, sender)
    if name is None:
        return
    if not reverse:
        owners = [instance]
        if action == "pre_clear":
            others = list(getattr(instance, name).all())
        else:
            others = list(model._default_manager.filter(pk__in=pk_set or []))
    else:
        others = [instance]
        if action == "pre_clear":
            owners = list(owner_model._default_manager.filter(**{name: instance}))
        else:
            owners = list(owner_model._default_manager.filter(pk__in=pk_set or []))
    if not owners or not others:
        return
    key = "added" if action == "post_add" else "removed"
    for owner in owners:
        audit.record_change(
            subject_of(owner),
            f"{owner_model._meta.model_name} {owner.pk} changed: {owner}",
            {name: {key: sorted(_name(other) for other in others)}},
        )


def _name(obj):
    # A programme's code rather than its name, which would be stored in whichever language
    # was active.
    return getattr(obj, "code", "") or str(obj)


def _many_name(owner_model, through):
    spec = _tracked(owner_model)
    if spec is None:
        return None
    for name in spec.many:
        if owner_model._meta.get_field(name).remote_field.through is through:
            return name
    return None


def connect():
    for label, spec in TRACKED.items():
        try:
            model = apps.get_model(label)
        except LookupError:  # an app this deployment does not install
            continue
        uid = f"botp-account-audit-{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
        for name in spec.many:
            through = model._meta.get_field(name).remote_field.through
            m2m_changed.connect(_many_changed, sender=through,
                                dispatch_uid=f"{uid}-{name}")


# --- Reading the trail ------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: object = None
    new: object = None
    added: list = None
    removed: list = None
    secret: bool = False


def _models_by_name():
    found = {}
    for label in TRACKED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        found[model._meta.model_name] = model
    return found


def _moment(value):
    try:
        return parse_datetime(value)
    except (TypeError, ValueError):
        return None


def _day(value):
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        return None


def record_label(entry):
    """What kind of record an entry is about ("care provider"), in the reader's language."""
    from django.utils.translation import gettext as _

    kind = entry.subject.partition(":")[0]
    if kind == "login":
        # A refused login before any account was named: an unknown number or address, or a
        # login through FAS refused before the person was identified.
        return _("Login, account unknown")
    model = _models_by_name().get(kind)
    return model._meta.verbose_name if model is not None else entry.subject


def unnamed_actor(entry):
    """Who acted, in the reader's language, for an entry with no account behind it."""
    from django.utils.translation import gettext as _

    if entry.what.startswith("login"):
        # A refused login (botp.accounts, botp.fas.linking): whoever tried was not signed in.
        return _("someone not signed in")
    return _("the system (a command or the worker)")


def describe(entry):
    """The entry's changes, field by field, with the fields' names and choices' labels in the
    reader's language."""
    from django.utils.translation import gettext as _

    model = _models_by_name().get(entry.subject.partition(":")[0])
    spec = _tracked(model) if model is not None else None

    def shown(model_field, value):
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(model_field, models.DateTimeField) and (moment := _moment(value)):
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        if isinstance(model_field, models.DateField) and (day := _day(value)):
            return formats.date_format(day, "DATE_FORMAT")
        if model_field is not None and model_field.choices and not model_field.is_relation:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, list):
            labels = LIST_LABELS.get(getattr(model_field, "name", ""), {})
            return ", ".join(str(labels.get(item, item)) for item in value)
        return value

    changes = []
    for name, value in (entry.changes or {}).items():
        try:
            model_field = model._meta.get_field(name) if model is not None else None
        except Exception:  # a field since removed from the model
            model_field = None
        label = getattr(model_field, "verbose_name", name)
        if isinstance(value, dict):
            changes.append(Change(label, added=value.get("added", []),
                                  removed=value.get("removed", [])))
        elif spec is not None and name in spec.secret:
            changes.append(Change(label, secret=True))
        else:
            old, new = value
            changes.append(Change(label, shown(model_field, old), shown(model_field, new)))
    return changes
