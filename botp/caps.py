"""The programme's session limits (DESIGN.md section 1), decided here and nowhere else.

Three limits apply, all read from the programme version a case runs under (botp.programme_rules),
never from constants nor from the programme's rows as the back office is editing them:
- per session type, at most its cap in the version;
- diagnosis and treatment together, at most ``max_total_sessions`` of the types that
  count toward that total (the workplace meeting and the debrief do not);
- the programme's own treatment limit, when it has one (the FA-BOTP's 10 sessions).

The same function checks a treatment request or plan (planned sessions) and a session about to
be recorded as held (held sessions plus this one).
"""

from django.utils.translation import gettext as _

from botp import programme_rules
from botp.models import SessionPhase


def _counts_toward_treatment(session_type):
    return session_type.phase == SessionPhase.TREATMENT and session_type.counts_toward_total


def problems(rules, counts, *, only=None):
    """What in ``counts`` ({SessionType: number of sessions}) breaks the caps of ``rules`` (a
    case's rules; a case, or a programme for its version in force today).

    With ``only`` (a SessionType), report only the limits that type takes part in: a new
    session is refused for the caps it would break, not for an older excess elsewhere.
    """
    rules = programme_rules.of(rules)
    found = []
    for session_type, number in counts.items():
        if only is not None and session_type != only:
            continue
        cap = rules.cap(session_type)
        if number > cap:
            found.append(_(
                "The programme allows at most %(cap)s × “%(type)s”; this makes %(count)s."
            ) % {"cap": cap, "type": session_type.name, "count": number})

    if only is None or only.counts_toward_total:
        total = sum(n for t, n in counts.items() if t.counts_toward_total)
        if total > rules.max_total_sessions:
            found.append(_(
                "The programme allows at most %(cap)s diagnosis and treatment sessions in all; "
                "this makes %(count)s."
            ) % {"cap": rules.max_total_sessions, "count": total})

    limit = rules.max_treatment_sessions
    if limit is not None and (only is None or _counts_toward_treatment(only)):
        treatment = sum(n for t, n in counts.items() if _counts_toward_treatment(t))
        if treatment > limit:
            found.append(_(
                "The programme allows at most %(cap)s treatment sessions; this makes %(count)s."
            ) % {"cap": limit, "count": treatment})
    return found


def counts_toward_treatment(session_type):
    """Whether ``session_type`` takes part in the programme's own treatment limit."""
    return _counts_toward_treatment(session_type)


def totals(rules, counts):
    """The limits ``problems`` checks across session types, as pages show them: a list of
    (kind, cap, used) with kind "total" (diagnosis and treatment together) or "treatment"
    (the programme's own treatment limit, when it has one); ``counts`` as for ``problems``."""
    rules = programme_rules.of(rules)
    found = [("total", rules.max_total_sessions,
              sum(n for t, n in counts.items() if t.counts_toward_total))]
    if rules.max_treatment_sessions is not None:
        found.append(("treatment", rules.max_treatment_sessions,
                      sum(n for t, n in counts.items() if _counts_toward_treatment(t))))
    return found
