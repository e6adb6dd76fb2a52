"""Loading instrument files into the database, version by version."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from botp import instruments

from .models import Instrument


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


def load_instruments(paths=None):
    """Load the given files (default: every shipped instrument); safe to run again.

    Nothing is written unless every file is valid and no loaded version would change: a
    DefinitionError lists all problems at once, so one run shows everything to fix.
    """
    paths = [Path(p) for p in paths] if paths is not None else instruments.shipped_files()
    problems, ready = [], []
    for path in paths:
        definition, digest, found = instruments.read(path)
        problems += [f"{path.name}: {problem}" for problem in found]
        if found:
            continue
        code, version = definition["code"], definition["version"]
        loaded = Instrument.objects.filter(code=code, version=version).first()
        if loaded is not None and loaded.sha256 != digest:
            problems.append(
                f"{path.name}: {code} version {version} is already loaded from a different "
                f"file; bump version to load the change"
            )
        elif any((code, version) == (d["code"], d["version"]) for d, _, _ in ready):
            problems.append(f"{path.name}: another file also defines {code} version {version}")
        else:
            ready.append((definition, digest, loaded))
    if problems:
        raise instruments.DefinitionError(problems)

    report = LoadReport()
    with transaction.atomic():
        for definition, digest, loaded in ready:
            label = f"{definition['code']} v{definition['version']}"
            if loaded is not None:
                report.unchanged.append(label)
                continue
            Instrument.objects.create(
                code=definition["code"], version=definition["version"],
                definition=definition, sha256=digest, **_names(definition["name"]),
            )
            report.created.append(label)
    return report


def _names(name):
    """The instrument's name in each language the model has a column for."""
    columns = {f.name for f in Instrument._meta.get_fields()}
    return {f"name_{language}": name[language] for language in instruments.LANGUAGES
            if f"name_{language}" in columns}
