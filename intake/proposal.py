"""What the request form proposes from the employer's data: the sector (from the employer's
activity code, NACE-BEL, and the kind of employer) and the programme that covers it (a federal
employer: the FA-BOTP). The referrer can choose otherwise; Fedris' checks decide."""

import re

from botp import programme_rules
from botp.models import Programme, Sector


def _digits(code):
    """A NACE code's digits: "Q86.1" and "86.10" compare as "861" and "8610"."""
    return re.sub(r"\D", "", code or "")


def propose_sector(employer_kind, nace_code):
    """The sector whose NACE codes match the employer's activity code best (the longest
    match), among those for this kind of employer; else the one for this kind of employer
    alone; None when nothing fits."""
    digits = _digits(nace_code)
    best, best_length = None, -1
    for sector in Sector.objects.all():
        if sector.employer_kinds and employer_kind not in sector.employer_kinds:
            continue
        if not sector.employer_kinds and not sector.nace_codes:
            continue
        matches = [len(_digits(code)) for code in sector.nace_codes
                   if digits and digits.startswith(_digits(code))]
        if sector.nace_codes and not matches and not sector.employer_kinds:
            continue
        length = max(matches, default=0)
        if length > best_length:
            best, best_length = sector, length
    return best


def propose_programme(sector):
    """The active programme whose version in force covers ``sector``: the one covering the
    fewest sectors (the most specific), the preselected one first on a tie."""
    if sector is None:
        return None
    candidates = []
    for programme in Programme.objects.filter(active=True):
        rules = programme_rules.in_force(programme)
        if rules is not None and sector.code in rules.sector_codes:
            candidates.append((len(rules.sector_codes), not programme.is_default,
                               programme.code, programme))
    return min(candidates)[-1] if candidates else None


def propose(employer_kind, nace_code):
    """(sector, programme) proposed from the employer's data; either may be None."""
    sector = propose_sector(employer_kind, nace_code)
    return sector, propose_programme(sector)
