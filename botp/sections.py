"""Stage apps add their parts of a case page here, so botp needs no knowledge of them.

A section is a function ``(case, user) -> Link | None``; it decides nothing about access itself
but asks the policy, and returns None when the user may not see it.
"""

from dataclasses import dataclass

_sections = []


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    note: str = ""
    # Something the user must do now: the case page shows it above everything else, with its
    # note in full.
    todo: bool = False
    # The to-do's button, when not "Do it now".
    action: str = ""


def register(section):
    _sections.append(section)
    return section


def for_case(case, user):
    return [link for section in _sections if (link := section(case, user)) is not None]
