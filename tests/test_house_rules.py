"""The house rules of the code (DESIGN.md section 3), as tests that fail on a new breach.

In the spirit of Zulip's custom lint rules: each rule is a function that reads the application's
source (Python through its syntax tree, templates as text) and yields its breaches; ``@rule``
registers it, and ``ALLOWED`` holds, per rule, the breaches it tolerates for now. A new rule is
one more function, with a breaching and a clean example in ``EXAMPLES`` so that it is seen to
fail.

Application code is the apps' packages, migrations included; tests (which build cases with
factories), benchmarks and scripts are not held to these rules. Migrations may name another
app's models, though: a data migration reads the tables it moves data from, and its
dependencies say which apps it runs after.
"""

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = "botp"
STAGES = ("intake", "diagnosis", "treatment", "evaluation")
APPS = (CORE, *STAGES)

# The one module that changes a case's state, BTP and ISPs, and opens cases.
WORKFLOW = "botp/workflow.py"


@dataclass(frozen=True)
class Breach:
    path: str
    line: int
    what: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.what}"


@dataclass
class Source:
    """One file of the application: ``path`` relative to the repository."""

    path: str
    text: str

    @property
    def is_template(self):
        return self.path.startswith("templates/")

    @property
    def app(self):
        """The app the file belongs to (for a template, the folder it lives in), or None."""
        folders = self.path.split("/")[:-1]
        if self.is_template:
            folders = folders[1:]
        return folders[0] if folders and folders[0] in APPS else None

    @property
    def is_migration(self):
        return "/migrations/" in self.path

    @cached_property
    def tree(self):
        return ast.parse(self.text, filename=self.path)

    def breach(self, node_or_line, what):
        line = getattr(node_or_line, "lineno", node_or_line)
        return Breach(self.path, line, what)


class Codebase:
    def __init__(self, files):
        self.sources = [Source(path, text) for path, text in sorted(files.items())]

    @classmethod
    def on_disk(cls, root=ROOT):
        files = {}
        for app in APPS:
            for path in (root / app).rglob("*.py"):
                files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
        for path in (root / "templates").rglob("*"):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
        return cls(files)

    def python(self):
        return [s for s in self.sources if not s.is_template and s.app is not None]

    def templates(self):
        return [s for s in self.sources if s.is_template and s.app is not None]

    def all_templates(self):
        """Every template, the layouts outside the apps' folders included."""
        return [s for s in self.sources if s.is_template]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    check: object


RULES = {}


def rule(description):
    def register(check):
        RULES[check.__name__] = Rule(check.__name__, description, check)
        return check
    return register


# Breaches each rule tolerates for now, as "path: what" (no line numbers, which move).
ALLOWED = {
    "app_imports": set(),
    "app_model_references": set(),
    "template_includes": set(),
    "case_writes": set(),
    "role_reads": set(),
    "view_refusals": set(),
    "view_audits": set(),
    "selector_writes": set(),
    "service_forms": set(),
}


def _may_use(app, other):
    """Whether code of ``app`` may depend on ``other``: a stage on botp and on itself only,
    botp on itself only."""
    return other == app or (app in STAGES and other == CORE)


def _app_of(dotted):
    return dotted.split(".")[0]


# --- Apps depend on botp, never on each other -----------------------------------------------------


@rule("No stage app imports another stage app, and botp imports no stage app.")
def app_imports(code):
    for source in code.python():
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif (isinstance(node, ast.Call) and _called(node) == "import_module" and node.args
                  and isinstance(node.args[0], ast.Constant)
                  and isinstance(node.args[0].value, str)):
                names = [node.args[0].value]
            else:
                continue
            for name in names:
                other = _app_of(name)
                if other in APPS and not _may_use(source.app, other):
                    yield source.breach(node, f"{source.app} imports {name}")


MODEL_REFERENCES = {"ForeignKey", "OneToOneField", "ManyToManyField", "get_model"}


@rule("No stage app names another stage app's models, and botp names none of theirs "
      "(lazy model references such as ForeignKey(\"diagnosis.DiagnosisReport\")).")
def app_model_references(code):
    for source in code.python():
        if source.is_migration:
            continue
        for node in ast.walk(source.tree):
            if not isinstance(node, ast.Call) or _called(node) not in MODEL_REFERENCES:
                continue
            for argument in [*node.args, *(k.value for k in node.keywords if k.arg == "to")]:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    other = _app_of(argument.value)
                    if other in APPS and not _may_use(source.app, other):
                        yield source.breach(node, f"{source.app} refers to {argument.value}")


INCLUDE = re.compile(r"""{%\s*(include|extends)\s+["'](([^"'/]+)/[^"']*)["']""")


@rule("No stage's template includes or extends another stage's, and botp's include none of "
      "theirs (what stages share lives in templates/botp/).")
def template_includes(code):
    for source in code.templates():
        for match in INCLUDE.finditer(source.text):
            verb, template, other = match.groups()
            if other in APPS and not _may_use(source.app, other):
                line = source.text.count("\n", 0, match.start()) + 1
                yield source.breach(line, f"{source.app} template {verb}s {template}")


# --- Who sees a case changes only in the workflow -------------------------------------------------

CASE_FIELDS = {"state", "btp", "btp_id", "isps"}
ISPS_CHANGES = {"set", "add", "remove", "clear"}
CREATES = {"create", "bulk_create", "get_or_create", "update_or_create"}
WRITES = CREATES | {"update", "delete", "bulk_update"}


@rule("Only botp/workflow.py sets a case's state, BTP or ISPs, or opens a case.")
def case_writes(code):
    for source in code.python():
        if source.path == WORKFLOW:
            continue
        for node in ast.walk(source.tree):
            for what in _case_writes(node):
                yield source.breach(node, what)


def _case_writes(node):
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in _flattened(targets):
            if isinstance(target, ast.Attribute) and target.attr in CASE_FIELDS:
                yield f"assigns .{target.attr}"
    if not isinstance(node, ast.Call):
        return
    func = node.func
    chain = _chain(func)
    names = [arg.value for arg in node.args[1:2] if isinstance(arg, ast.Constant)]
    if _called(node) == "setattr" and CASE_FIELDS & set(names):
        yield f"setattr(…, {names[0]!r}, …)"
    if not isinstance(func, ast.Attribute):
        if chain == ["Case"]:
            yield "makes a Case()"
        return
    if func.attr in ISPS_CHANGES and chain[-2:-1] == ["isps"]:
        yield f".isps.{func.attr}()"
    if func.attr in WRITES and "isps" in chain and "through" in chain:
        yield f"writes Case.isps.through ({func.attr})"
    if func.attr in CREATES and chain[-3:-1] == ["Case", "objects"]:
        yield f"Case.objects.{func.attr}()"
    if func.attr == "update" and CASE_FIELDS & {k.arg for k in node.keywords}:
        yield f".update({', '.join(sorted(CASE_FIELDS & {k.arg for k in node.keywords}))}=…)"
    if func.attr == "bulk_update":
        fields = [n.value for arg in node.args[1:2] + [k.value for k in node.keywords
                                                       if k.arg == "fields"]
                  for n in getattr(arg, "elts", []) if isinstance(n, ast.Constant)]
        if CASE_FIELDS & set(fields):
            yield f".bulk_update(…, {sorted(CASE_FIELDS & set(fields))})"


def _flattened(targets):
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            yield from _flattened(target.elts)
        else:
            yield target


def _chain(node):
    """The names of an attribute chain: ``Case.objects.create`` gives [Case, objects, create];
    calls and subscripts in between are looked through."""
    names = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def _called(call):
    """The name a call ends with: ``import_module`` for importlib.import_module(...)."""
    chain = _chain(call.func)
    return chain[-1] if chain else None


# --- Who may do what is the policy's to say -------------------------------------------------------

# Where a person's role is read as what it is: the policy (which turns it into relations and
# capabilities), the models that keep a role consistent, and the back office, the invitations
# and the demo seed that give accounts their role. Everywhere else asks botp.policy.
ROLE_READERS = {
    "botp/policy.py", "botp/models/people.py", "botp/models/invitation.py", "botp/admin.py",
    "botp/invitations.py", "botp/demo.py", "botp/account_audit.py",
}
TEMPLATE_ROLE = re.compile(r"\.role\b")


@rule("No view, service, form or template reads a person's role: access is decided by "
      "botp.policy (can, may, capabilities), and pages get its answers.")
def role_reads(code):
    for source in code.python():
        if source.path in ROLE_READERS or source.is_migration:
            continue
        for node in ast.walk(source.tree):
            if (isinstance(node, ast.Attribute) and node.attr == "role"
                    and isinstance(node.ctx, ast.Load)):
                yield source.breach(node, "reads .role")
    for source in code.all_templates():
        for match in TEMPLATE_ROLE.finditer(source.text):
            line = source.text.count("\n", 0, match.start()) + 1
            yield source.breach(line, "reads .role")


# --- Thin views, and reads apart from writes ------------------------------------------------------

REFUSALS = {"TransitionError", "TransitionForbidden", "StaleCase"}


def _module_name(source):
    return source.path.rsplit("/", 1)[-1]


def _caught(handler):
    """The names of the exceptions an ``except`` clause catches."""
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [(_chain(kind) or [""])[-1] for kind in kinds if kind is not None]


@rule("No views module catches the state machine's refusals (workflow.TransitionError, "
      "TransitionForbidden, StaleCase): botp.pages answers them for every page (submit, "
      "RefusalMiddleware), as botp/api/errors.py does for the API.")
def view_refusals(code):
    for source in code.python():
        if _module_name(source) != "views.py":
            continue
        for node in ast.walk(source.tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                for name in REFUSALS & set(_caught(node)):
                    yield source.breach(node, f"catches {name}")


@rule("No views module writes the audit trail: a page's read is recorded where it gets the "
      "case (botp.pages.case_for_page, object_for_page, @reads), changes and downloads by the "
      "services and helpers that make them.")
def view_audits(code):
    for source in code.python():
        if _module_name(source) != "views.py":
            continue
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Call) and _chain(node.func)[:1] == ["audit"]:
                yield source.breach(node, f"calls {'.'.join(_chain(node.func))}")


@rule("A selectors module only reads: it creates, saves, updates and deletes nothing, and "
      "writes no audit entry.")
def selector_writes(code):
    for source in code.python():
        if _module_name(source) != "selectors.py":
            continue
        for node in ast.walk(source.tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            chain = _chain(node.func)
            if node.func.attr in WRITES | {"save", "select_for_update"} or chain[:1] == ["audit"]:
                yield source.breach(node, f"calls .{node.func.attr}()")


@rule("Services and selectors take values, never a Django form: they read no cleaned_data "
      "and validate no form.")
def service_forms(code):
    for source in code.python():
        if _module_name(source) not in ("services.py", "selectors.py"):
            continue
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Attribute) and node.attr in ("cleaned_data", "is_valid"):
                yield source.breach(node, f"uses .{node.attr}")


# --- The tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def codebase():
    return Codebase.on_disk()


def test_the_codebase_is_read(codebase):
    assert {source.app for source in codebase.python()} == set(APPS)
    assert {source.app for source in codebase.templates()} == set(APPS)
    assert any(source.path == WORKFLOW for source in codebase.python())


@pytest.mark.parametrize("name", sorted(RULES))
def test_house_rule(codebase, name):
    found = list(RULES[name].check(codebase))
    allowed = ALLOWED.get(name, set())
    new = [str(breach) for breach in found if f"{breach.path}: {breach.what}" not in allowed]
    assert not new, f"{RULES[name].description}\n" + "\n".join(new)
    # A breach that is fixed leaves the list, so the list only shrinks.
    gone = allowed - {f"{breach.path}: {breach.what}" for breach in found}
    assert not gone, f"fixed, take them out of ALLOWED[{name!r}]: {sorted(gone)}"


# Per rule: a file that breaks it and one that keeps it (path and text).
EXAMPLES = {
    "app_imports": [
        ({"treatment/views.py": "from diagnosis.forms import TreatmentRequestForm\n"}, True),
        ({"treatment/views.py": "import diagnosis.services as diagnosis\n"}, True),
        ({"botp/api/urls.py": "from intake.api import ScreeningRequestViewSet\n"}, True),
        ({"botp/demo.py": "import_module('treatment.demo')\n"}, True),
        ({"treatment/views.py": "from botp import plan\nfrom treatment import services\n"},
         False),
    ],
    "app_model_references": [
        ({"treatment/models.py": "x = models.ForeignKey('diagnosis.DiagnosisReport')\n"}, True),
        ({"botp/models/plan.py": "x = models.OneToOneField(to='treatment.FinalReport')\n"},
         True),
        ({"treatment/migrations/0001_initial.py":
          "x = models.ForeignKey('diagnosis.DiagnosisReport')\n"}, False),
        ({"diagnosis/models.py": "x = models.OneToOneField('botp.TreatmentRequest')\n"}, False),
    ],
    "template_includes": [
        ({"templates/treatment/amend_plan.html":
          '{% include "diagnosis/_request_lines.html" %}'}, True),
        ({"templates/botp/case_detail.html": "{% extends 'intake/base.html' %}"}, True),
        ({"templates/treatment/amend_plan.html": '{% include "botp/_session_lines.html" %}'},
         False),
    ],
    "case_writes": [
        ({"diagnosis/services.py": "case.isps.set(providers)\n"}, True),
        ({"treatment/services.py": "locked.isps.add(isp)\n"}, True),
        ({"botp/demo.py": "case = Case.objects.create(programme=p)\n"}, True),
        ({"intake/services.py": "case.state = 'requested'\n"}, True),
        ({"intake/services.py": "case.btp, other = None, 1\n"}, True),
        ({"diagnosis/services.py": "Case.objects.filter(pk=1).update(btp_id=2)\n"}, True),
        ({"botp/views.py": "setattr(case, 'state', 'closed')\n"}, True),
        ({"botp/views.py": "Case.isps.through.objects.bulk_create([])\n"}, True),
        ({"botp/workflow.py": "case.isps.set(providers)\ncase.state = 'closed'\n"}, False),
        ({"botp/policy.py": "Case.isps.through.objects.filter(provider=p)\n"}, False),
        ({"intake/models.py": "self._state.adding = True\n"}, False),
    ],
    "role_reads": [
        ({"botp/views.py": "if request.user.role != Role.PARTICIPANT:\n    pass\n"}, True),
        ({"treatment/services.py": "allowed = user.role in {'provider'}\n"}, True),
        ({"templates/base.html": '{% if user.role == "referrer" %}x{% endif %}'}, True),
        ({"botp/policy.py": "if user.role == Role.FEDRIS_ADMIN:\n    pass\n"}, False),
        ({"templates/base.html": "{% if capabilities.file_screening_requests %}x{% endif %}"},
         False),
        ({"botp/workflow.py": "event = CaseEvent(actor_role=held)\n"}, False),
    ],
    "view_refusals": [
        ({"treatment/views.py":
          "try:\n    f()\nexcept workflow.TransitionError as error:\n    pass\n"}, True),
        ({"botp/views.py": "try:\n    f()\nexcept (ValueError, StaleCase):\n    pass\n"}, True),
        ({"intake/views.py": "try:\n    f()\nexcept TransitionForbidden:\n    pass\n"}, True),
        ({"intake/views.py": "try:\n    f()\nexcept links.LinkProblem:\n    pass\n"}, False),
        ({"botp/pages.py":
          "try:\n    f()\nexcept workflow.TransitionError as error:\n    pass\n"}, False),
    ],
    "view_audits": [
        ({"diagnosis/views.py":
          "audit.record(user, AuditEntry.Kind.VIEW, 'diagnosis page', case=case)\n"}, True),
        ({"evaluation/views.py": "audit.record_clinical_view(user, case, 'survey scores')\n"},
         True),
        ({"diagnosis/views.py":
          "case = pages.case_for_page(request, ref, what='diagnosis page')\n"}, False),
        ({"treatment/services.py":
          "audit.record(user, AuditEntry.Kind.CHANGE, 'final report saved', case=case)\n"},
         False),
    ],
    "selector_writes": [
        ({"treatment/selectors.py": "TreatmentPlan.objects.get_or_create(case=case)\n"}, True),
        ({"diagnosis/selectors.py": "report.save()\n"}, True),
        ({"intake/selectors.py": "audit.record(user, 'view', 'x')\n"}, True),
        ({"treatment/selectors.py": "case.workplace_meetings.exclude(status='x').first()\n"},
         False),
        ({"treatment/services.py": "WorkplaceMeeting.objects.create(case=case)\n"}, False),
    ],
    "service_forms": [
        ({"intake/services.py": "def save(form):\n    return form.cleaned_data['name']\n"},
         True),
        ({"intake/services.py": "def save(form):\n    if form.is_valid():\n        pass\n"},
         True),
        ({"intake/views.py": "services.decide(s, u, decision=form.cleaned_data['decision'])\n"},
         False),
    ],
}


@pytest.mark.parametrize("name, files, breaks", [
    (name, files, breaks) for name, examples in EXAMPLES.items() for files, breaks in examples
])
def test_each_rule_sees_a_breach(name, files, breaks):
    found = list(RULES[name].check(Codebase(files)))
    assert bool(found) == breaks, found


def test_every_rule_has_examples():
    assert set(EXAMPLES) == set(RULES)
