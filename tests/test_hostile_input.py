"""Hostile input to every page of the portal (Trust, item 6).

For each role, and for a visitor without an account, the pages it reaches in the demo world (a
case in every state) are found by following links from every URL that takes no argument (and,
for the visitor, a survey link and an activation link); the URL resolver then says whether every
page of the portal's own apps was reached. Each form found on those pages is posted, and each
query parameter they use (their GET forms', their links' and "page" on a list) is sent:
first each field in turn with the value most likely to break code that reads its kind, then
hypothesis' hostile values (control and format characters, NaN and infinities, huge and negative
numbers, superscript digits, non-UUIDs, very long text, nothing at all, several values where one
is expected) mixed into otherwise valid input. No answer may be a server error, and nothing a
rule refuses may be stored: no text the text rule (botp/text.py) refuses or not composed, no
value outside a model field's own validators (lengths, ranges, choices), no survey answer its
question would refuse.

Each request runs in a savepoint rolled back after it, so every example meets the same world.
BOTP_HOSTILE_EXAMPLES sets the generated examples per form and page (default 8, what CI runs;
raise it for a longer local run); examples are derandomised, so a run is repeatable.
"""

import copy
import datetime
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db import models, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from botp import consents, demo, invitations, text
from botp.models import Case, Consent, OutboxMessage, Participant, Role
from evaluation import links, survey, waves
from evaluation.campaigns import services as campaign_services
from evaluation.campaigns.models import Campaign
from evaluation.models import Answer
from evaluation.monitor import services as monitor
from intake import activation, signature
from intake.models import ScreeningRequest

EXAMPLES = int(os.environ.get("BOTP_HOSTILE_EXAMPLES", "8"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=list(HealthCheck))

ROLES = ["referrer", "admin", "psychologist", "btp", "btp2", "isp", "participant",
         "participant2", "researcher", "wellbeing"]
# Not the portal's own pages: the back office is Django's admin, the API has its own property
# test (tests/api/test_schema_fuzzing.py), static files are files.
NOT_CRAWLED = ("/backoffice/", "/api/", "/static/")
# Pages whose query string chooses what they show (a survey page per instrument): each
# query is its own page, up to this many.
QUERIES_PER_PAGE = 12
# URL names of the portal's apps no crawl reaches, and why.
NOT_REACHED = {
    # A rendered PDF: the demo renders none without a Celery worker, and it has no form.
    "document",
    # A research export's file: prepared by the worker, none in the demo; it has no form.
    "evaluation:export_download",
    # Payments: the demo has no approved statement (its PDF) nor payment run (its page, SEPA
    # file and PDF) until someone does the loop; none has a form. tests/payments and
    # tests/e2e/test_payments_journey.py send them bad input and out-of-reach requests.
    "payments:statement_pdf", "payments:run", "payments:run_file", "payments:run_pdf",
}

OWN_APPS = {"intake", "diagnosis", "treatment", "evaluation"}

HOSTILE = [
    "", " ", "\t", "NaN", "nan", "-NaN", "sNaN", "inf", "-Infinity", "1e999999", "1e-999999",
    "-1", "0", "-0", "1.5", "1,5", "0x1F", "1_000", "²", "¹²³", "٣", "Ⅻ", "９", "9" * 20,
    "9" * 5000, "-" + "9" * 30, "not-a-uuid", "00000000-0000-0000-0000-000000000000",
    "2026-02-30", "9999-12-31", "0001-01-01", "31/12/2026", "\x00", "a\x00b", "Eva\x1b[31m",
    "\u202eavE", "\u2066x\u2069", "\ufffd", "Zoe\u0301", "\u200b", "\u00ad", "\u2028",
    "\r\n", "x" * 100_000, "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc",
    "true", "on", "null", "[]", "{}",
]


# --- Reading a page's forms and links ---------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    # name -> values the page offers (options, radios, checkboxes, buttons)
    options: dict = field(default_factory=lambda: defaultdict(list))
    # name -> values posted as the page stands (the baseline hostile values are mixed into)
    values: dict = field(default_factory=lambda: defaultdict(list))
    buttons: list = field(default_factory=list)
    radios: set = field(default_factory=set)
    kinds: dict = field(default_factory=dict)  # name -> input type, "select" or "textarea"


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links = [], []
        self._form = self._select = self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            self._form = Form(attrs.get("method", "get").lower(), attrs.get("action", ""))
            self.forms.append(self._form)
        if self._form is None or not attrs.get("name") and tag != "option":
            return
        form, name = self._form, attrs.get("name")
        if tag == "input":
            kind = form.kinds[name] = attrs.get("type", "text").lower()
            if attrs.get("inputmode") in ("numeric", "decimal"):
                form.kinds[name] = "number"
            if kind in ("submit", "button", "image"):
                form.buttons.append((name, attrs.get("value", "")))
                form.options[name].append(attrs.get("value", ""))
            elif kind in ("checkbox", "radio"):
                value = attrs.get("value", "on")
                form.options[name].append(value)
                if "checked" in attrs:
                    form.values[name].append(value)
                if kind == "radio":
                    form.radios.add(name)
            else:
                form.values[name].append(attrs.get("value", ""))
        elif tag == "button" and attrs.get("type", "submit").lower() == "submit":
            form.buttons.append((name, attrs.get("value", "")))
            form.options[name].append(attrs.get("value", ""))
        elif tag == "select":
            form.kinds[name] = "select"
            self._select = (name, "multiple" in attrs, [])
            form.options.setdefault(name, [])
        elif tag == "textarea":
            form.kinds[name] = "textarea"
            self._textarea = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, []]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "option" and self._option is not None:
            value, selected, label = self._option
            value = "".join(label).strip() if value is None else value
            name, _multiple, chosen = self._select
            form.options[name].append(value)
            if selected:
                chosen.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, chosen = self._select
            offered = [value for value in form.options[name] if value]
            form.values[name] = chosen or ([] if multiple or not offered else [offered[0]])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, content = self._textarea
            form.values[name].append("".join(content).lstrip("\n"))
            self._textarea = None
        elif tag == "form":
            # A browser posts no radio button unless one is checked; a person checks one.
            for name in form.radios:
                if not form.values.get(name):
                    form.values[name] = [form.options[name][0]]
            self._form = None


# --- The demo world and its crawl -------------------------------------------------------------


@dataclass
class Target:
    role: str
    method: str
    url: str
    form: Form


def _case_states():
    return dict(Case.objects.values_list("reference", "state"))


def _page_key(path, states):
    match = resolve(path)
    reference = match.kwargs.get("reference")
    return (match.view_name, states.get(reference, "") if reference else "",
            tuple(sorted(name for name in match.kwargs if name != "reference")))


def _crawlable(path):
    if not path.startswith("/") or path.startswith(NOT_CRAWLED) or "logout" in path:
        return False
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _start_pages():
    """Every page whose URL takes no argument."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            elif "<" not in route and "(" not in route and "^" not in route:
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return [path for path in found if _crawlable(path)]


def crawl(client, role, starts, states, reached):
    """The pages ``client`` reaches from ``starts``, one per (view, case state) and query."""
    targets = []
    seen = set()
    queries = defaultdict(int)
    queue = list(starts)
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = _page_key(parts.path, states)
        if (key, parts.query) in seen or queries[key] >= QUERIES_PER_PAGE:
            continue
        seen.add((key, parts.query))
        queries[key] += 1
        response = client.get(url)
        assert response.status_code < 500, (role, url, response.status_code)
        if response.status_code in (401, 403, 404, 405, 410):
            continue
        reached.add(key[0])
        if response.status_code in (301, 302):
            continue
        # The page's query parameters: its own, those of its links to itself, its GET forms',
        # and "page" where it shows a list a page at a time.
        get_form = Form("get", url)
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            get_form.values[name].append(value)
        if isinstance((response.context or {}).get("page"), Page):
            get_form.values.setdefault("page", [])
        if "html" in response.get("Content-Type", ""):
            parser = PageParser()
            parser.feed(response.content.decode())
            for href in parser.links:
                link = urlsplit(urljoin(url, href))
                if link.netloc and link.netloc != "testserver":
                    continue
                if link.path == parts.path:
                    for name, value in parse_qsl(link.query, keep_blank_values=True):
                        get_form.values.setdefault(name, [])
                        get_form.options[name].append(value)
                if _crawlable(link.path):
                    queue.append(link.path + (f"?{link.query}" if link.query else ""))
            for form in parser.forms:
                action = urljoin(url, form.action) if form.action else url
                if form.method == "get":
                    for name, values in form.values.items():
                        get_form.values.setdefault(name, values)
                        get_form.options[name] += form.options.get(name, [])
                elif _crawlable(urlsplit(action).path):
                    reached.add(resolve(urlsplit(action).path).view_name)
                    targets.append(Target(role, "post", action, form))
        if get_form.values:
            targets.append(Target(role, "get", url, get_form))
    return targets


def _distinct(targets, states):
    """One target per role, view (and case state) and set of fields: the same form on every
    case of a state adds time, not cover. Pages not of the portal's own apps (sign-in and
    account pages, the language switch) are the same for every role: once for all of them."""
    found = {}
    core = _core_url_names()
    for target in targets:
        parts = urlsplit(target.url)
        page = _page_key(parts.path, states)
        own = page[0].split(":")[0] in OWN_APPS or page[0] in core
        key = (target.role if own else "", target.method, page,
               parts.query if target.method == "post" else "",
               tuple(sorted(target.form.values)), tuple(target.form.buttons))
        found.setdefault(key, target)
    return list(found.values())


@pytest.fixture
def portal(db):
    """The demo (without its cohort), with a consent the participant gave, and a survey link
    and an activation link to open."""
    users = demo.seed(cohort=False)
    treated = Case.objects.filter(participant__user=users["participant"]).get()
    consents.give(treated, users["participant"], purpose=Consent.Purpose.MEETING,
                  people=[{"role": "employer", "name": "Jo Peeters", "organisation": "AZ Demo"}])
    invitation = (treated.survey_invitations.filter(wave="pre").first()
                  or waves.create_invitation(treated, "pre", timezone.localdate(),
                                             timezone.now() + datetime.timedelta(days=30)))
    invitation.sent_at = timezone.now()
    invitation.closes_at = timezone.now() + datetime.timedelta(days=30)
    invitation.save(update_fields=["sent_at", "closes_at"])
    survey_link = f"/evaluation/survey/{links.token_for(invitation.nonce)}/"
    # A delivery that failed, so the administrator's outgoing messages offer a retry.
    OutboxMessage.objects.filter(pk=OutboxMessage.objects.order_by("pk").first().pk).update(
        status=OutboxMessage.Status.FAILED, problem=OutboxMessage.Problem.NO_ADDRESS)
    no_account = Participant.objects.filter(user__isnull=True).order_by("pk").first()
    # A request of the programme since 2024 the worker has yet to sign.
    unsigned = ScreeningRequest.objects.filter(
        case__programme__code="prevention-2024", submitted_at__isnull=False,
        worker_signed_at__isnull=True).order_by("pk").first()
    anonymous = [
        "/accounts/login/", "/accounts/password/reset/",
        f"/intake/activate/{activation.token_for(activation.issue_link(no_account).nonce)}/",
        f"/intake/sign/{signature.token_for(signature.issue_link(unsigned).nonce)}/",
        urlsplit(invitations.link_for(invitations.invite(
            users["admin"], email="new.referrer@example.org", role=Role.REFERRER,
            first_name="Nora", last_name="Nieuw", language="nl"))).path,
        survey_link,
        # The survey's pages follow each other by answering (a post): no link leads to them.
        *(f"{survey_link}?page={number}"
          for number in range(1, len(survey.pages(invitation)) + 1)),
    ]
    # The re-integration monitor's private link and a stakeholder campaign's link.
    person, monitor_token = monitor.start(organisation="finance", language="nl")
    campaign = Campaign.objects.filter(closed_at__isnull=True).first()
    recipient = campaign.recipients.first()
    anonymous += [
        "/evaluation/monitor/", f"/evaluation/monitor/{monitor_token}/",
        f"/evaluation/monitor/{monitor_token}/answer/",
        *(f"/evaluation/monitor/{monitor_token}/answer/?page={n}" for n in (2, 3, 4)),
        f"/evaluation/campaign/{campaign_services.token_for(recipient)}/",
    ]
    # A measurement sent, for its feedback page.
    sent, sent_token = monitor.start(organisation="justice", language="nl")
    response = sent.responses.get()
    monitor.save_page(response, {item["id"]: "3" for item in response.instrument.definition[
        "items"]}, response.instrument.definition["items"])
    monitor.submit(response)
    anonymous += [f"/evaluation/monitor/{sent_token}/baseline/",
                  f"/evaluation/monitor/{sent_token}/baseline/pdf/"]
    return users, anonymous


# --- What must never be stored ----------------------------------------------------------------


# Character fields that hold text of several lines.
MULTILINE_CHARFIELDS = {("evaluation", "answer", "value")}
# Fields no form fills with the user's text.
UNCHECKED = {("botp", "user", "password")}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def refused_content(instance):
    """What ``instance`` holds that a rule refuses: [(field, value, why)]."""
    opts = instance._meta
    found = []
    for model_field in opts.concrete_fields:
        where = (opts.app_label, opts.model_name, model_field.name)
        if where in UNCHECKED:
            continue
        value = model_field.value_from_object(instance)
        multiline = (isinstance(model_field, models.TextField | models.JSONField)
                     or where in MULTILINE_CHARFIELDS)
        for string in _strings(value):
            if not text.is_clean(string, multiline=multiline):
                found.append((model_field.name, string[:80], "refused character"))
            elif string != text.normalise(string):
                found.append((model_field.name, string[:80], "not NFC"))
        if value in model_field.empty_values:
            continue
        try:
            model_field.run_validators(value)
            if model_field.choices:
                model_field.validate(value, instance)
        except ValidationError as error:
            found.append((model_field.name, str(value)[:80], error.messages))
    if isinstance(instance, Answer):
        found += _refused_answer(instance)
    return found


def _refused_answer(answer):
    definition = answer.instrument.definition
    item = next((i for i in definition["items"] if i["id"] == answer.item), None)
    if item is None:
        return [("item", answer.item, "no such question")]
    value, problem = survey._clean(item, definition, answer.value)
    if problem or value != answer.value:
        return [("value", answer.value[:80], problem or "not as cleaned")]
    return []


@pytest.fixture
def stored():
    """Every model instance saved while the test runs (cleared by the test per example)."""
    saved = []

    def remember(sender, instance, **kwargs):
        saved.append(instance)

    post_save.connect(remember, weak=False, dispatch_uid="hostile-input")
    yield saved
    post_save.disconnect(dispatch_uid="hostile-input")


# --- The hostile values -----------------------------------------------------------------------


def scalar(options):
    hostile = st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.integers().map(str),
        st.floats().map(str),
        st.from_regex(r"[0-9]{1,3}", fullmatch=True).map(lambda digits: digits.translate(
            str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))),
    )
    return st.one_of(hostile, st.sampled_from(options)) if options else hostile


def hostile_data(form):
    """The form as the page stands, with some of its fields given hostile values (or several
    values, or none), and one of its buttons pressed."""
    names = sorted((set(form.values) | set(form.options)) - {"", "csrfmiddlewaretoken"})
    buttons = [(name, value) for name, value in form.buttons if name]

    @st.composite
    def build(draw):
        data = {name: list(values) for name, values in form.values.items() if name}
        changed = draw(st.lists(st.sampled_from(names), unique=True, min_size=1,
                                max_size=min(len(names), 4))) if names else []
        for name in changed:
            value = scalar([option for option in form.options.get(name, []) if option])
            data[name] = draw(st.one_of(value.map(lambda v: [v]),
                                        st.lists(value, min_size=2, max_size=3),
                                        st.just([])))
        if buttons:
            name, value = draw(st.sampled_from(buttons))
            data.setdefault(name, [value])
        return {name: values for name, values in data.items() if values}

    return build()


# --- The test ---------------------------------------------------------------------------------


def _core_url_names():
    return {name for name in _portal_url_names() if ":" not in name}


def _portal_url_names():
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if str(pattern.pattern) in ("backoffice/", "api/", "accounts/", "i18n/"):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def _shown(data):
    return {name: [value if len(value) <= 40 else f"{value[:20]!r}... ({len(value)} chars)"
                   for value in values] for name, values in data.items()}


def _looks_numeric(values):
    return bool(values) and all(re.fullmatch(r"-?[0-9]+", value) for value in values)


def sweep(form):
    """Explicit examples: each field in turn given the value most likely to break code that
    reads its kind (a superscript digit where a number is read, NaN in a number field, an
    impossible date, a non-UUID in a hidden key, control and bidi characters in text), the
    other fields as the page stands."""
    baseline = {name: list(values) for name, values in form.values.items()
                if name and values}
    buttons = [(name, value) for name, value in form.buttons if name]
    if buttons:
        baseline.setdefault(buttons[0][0], [buttons[0][1]])
    for name in sorted(set(form.values) | set(form.options)):
        if not name or name == "csrfmiddlewaretoken":
            continue
        kind = form.kinds.get(name, "submit")
        offered = [value for value in form.values.get(name, []) + form.options.get(name, [])
                   if value]
        if kind == "number":
            values = ["NaN", "²"]
        elif kind == "date":
            values = ["2026-02-30"]
        elif kind in ("text", "textarea", "email", "tel", "search", "password"):
            values = ["Eva\u202e\x1b[31m"]
        elif kind == "hidden" and not _looks_numeric(offered):
            values = ["not-a-uuid"]
        else:  # a number read from a hidden field, a list, a choice or a button
            values = ["²"]
        for value in values:
            yield {**baseline, name: [value]}


def attack(target, client, stored, answered):
    """Send ``target`` hostile data, each request in a savepoint rolled back after it; the
    (shrunk) data of a failure, or None."""
    failing = []

    @SETTINGS
    @given(data=hostile_data(target.form))
    def send(data):
        cookies = copy.deepcopy(client.cookies)  # a post may log out or change the session
        stored.clear()
        try:
            with transaction.atomic():
                response = getattr(client, target.method)(target.url, data)
                assert response.status_code < 500, response.status_code
                refused = [(type(instance).__name__, problem) for instance in stored
                           for problem in refused_content(instance)]
                assert not refused, refused
                answered[target.method].add(response.status_code)
                transaction.set_rollback(True)
        except BaseException:
            failing[:] = [data]  # hypothesis replays the shrunk example last
            raise
        finally:
            client.cookies = cookies

    for data in sweep(target.form):
        send = example(data=data)(send)
    try:
        send()
    except Exception as error:
        errors = getattr(error, "exceptions", [error])  # several distinct failures: a group
        return "".join(f"\n    {type(e).__name__}: {' '.join(str(e).split())[:300]}"
                       for e in errors) + f"\n    (last with {_shown(failing[0])})"
    return None


@pytest.mark.django_db
def test_no_page_answers_hostile_input_with_a_server_error_or_stores_it(portal, stored):
    users, anonymous = portal
    states = _case_states()
    starts = _start_pages()
    reached = set()
    clients, targets = {}, []
    for role in [*ROLES, "anonymous"]:
        client = clients[role] = Client()
        if role != "anonymous":
            client.force_login(users[role])
        with transaction.atomic():
            targets += crawl(client, role, starts + (anonymous if role == "anonymous" else []),
                             states, reached)
            transaction.set_rollback(True)
    targets = _distinct(targets, states)

    # Every page of the portal's own apps was reached, as a page or as a form's action.
    assert not _portal_url_names() - reached - NOT_REACHED

    answered = defaultdict(set)
    failures = []
    for target in targets:
        failure = attack(target, clients[target.role], stored, answered)
        if failure:
            failures.append(f"{target.role} {target.method.upper()} {target.url}:{failure}")
    assert not failures, "\n".join(failures)

    # The run got past the forms' checks too, not only into their error messages.
    assert {200, 302, 400} <= answered["post"] | answered["get"], dict(answered)
    assert len(targets) > 60, len(targets)


PATH_VALUES = ["\x00", "a\x00b", "²", "٣", "9" * 30, "-1", "\u202e", "%", "x" * 3000]


def _routes_with_arguments():
    """Every URL of the portal and its API that takes an argument, as (template, names): the
    template has {name} where the argument goes."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if hasattr(pattern, "url_patterns"):
                if not route.startswith(("backoffice/", "accounts/", "i18n/")):
                    walk(pattern.url_patterns, route)
                continue
            names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
            if names and "rest" not in str(names):
                template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
                template = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", template)
                found.append(("/" + template.replace("\\", ""),
                              [a or b for a, b in names]))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.mark.django_db
def test_no_url_answers_a_hostile_argument_with_a_server_error(portal):
    users, _anonymous = portal
    routes = _routes_with_arguments()
    assert len(routes) > 30, routes
    client = Client()
    client.force_login(users["psychologist"])  # reaches every case, clinical pages included
    statuses = set()
    for template, names in routes:
        for value in PATH_VALUES:
            url = template.format(**{name: quote(value, safe="") for name in names})
            for method in (client.get, client.post):
                with transaction.atomic():
                    status = method(url).status_code
                    assert status < 500, (url[:120], status)
                    statuses.add(status)
                    transaction.set_rollback(True)
    assert 404 in statuses


def test_the_page_parser_reads_what_a_browser_would_post():
    parser = PageParser()
    parser.feed("""
      <form method="post" action="/x/"><input type="hidden" name="version" value="3">
        <input name="first_name" value="Eva"><textarea name="notes">
Line</textarea>
        <select name="sector"><option value="">—</option><option value="2">B</option></select>
        <input type="radio" name="sex" value="F"><input type="radio" name="sex" value="M">
        <input type="checkbox" name="signals" value="a" checked>
        <input type="checkbox" name="signals" value="b">
        <button name="action" value="draft">Save</button>
        <button name="action" value="submit">Send</button></form>
      <a href="?page=2">next</a>""")
    form, = parser.forms
    assert (form.method, form.action) == ("post", "/x/")
    assert dict(form.values) == {"version": ["3"], "first_name": ["Eva"], "notes": ["Line"],
                                 "sector": ["2"], "sex": ["F"], "signals": ["a"]}
    assert form.options["sex"] == ["F", "M"] and form.options["signals"] == ["a", "b"]
    assert form.buttons == [("action", "draft"), ("action", "submit")]
    assert parser.links == ["?page=2"]
