"""A page read is a read: following every link of the portal, as every role of the demo and as a
visitor, writes nothing to the database but the read's audit entry (Architecture, item 5).

The crawl is the hostile-input test's (tests/test_hostile_input.py): every page each role
reaches from the pages without arguments, one per view and case state.
"""

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.test_hostile_input import ROLES, _case_states, _start_pages, crawl, portal  # noqa: F401

WRITES = ("INSERT", "UPDATE", "DELETE")
# What a GET may write, and why.
MAY_WRITE = {
    # The read itself, in the audit trail.
    "botp_auditentry": None,
    # Opening a survey link is recorded (evaluation.survey.open_link): the drop-out figures
    # count who opened their survey.
    "evaluation_surveyinvitation": "opened_at",
    # The cache (Django's, in the database): the outcome dashboard keeps there the counts over
    # every admitted case that take a second to work out; no record of anything.
    "botp_cache": None,
}


def _allowed(sql):
    for table, column in MAY_WRITE.items():
        if f'"{table}"' in sql and (column is None or f'"{column}"' in sql):
            return True
    return False


class WatchedClient(Client):
    """A client that notes which page each statement of the database runs for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = None

    def get(self, path, *args, **kwargs):
        self.page = path
        try:
            return super().get(path, *args, **kwargs)
        finally:
            self.page = None


@pytest.mark.django_db
def test_no_page_a_get_reaches_writes_anything_but_its_read(portal):  # noqa: F811
    users, anonymous = portal
    states = _case_states()
    starts = _start_pages()
    writes, audited = [], set()

    for role in [*ROLES, "anonymous"]:
        client = WatchedClient()
        if role != "anonymous":
            client.force_login(users[role])

        def watch(execute, sql, params, many, context, client=client, role=role):
            if client.page and sql.lstrip().upper().startswith(WRITES):
                writes.append((role, client.page, sql))
                if '"botp_auditentry"' in sql:
                    audited.add(client.page)
            return execute(sql, params, many, context)

        with transaction.atomic(), connection.execute_wrapper(watch):
            crawl(client, role, starts + (anonymous if role == "anonymous" else []),
                  states, set())
            transaction.set_rollback(True)

    unexpected = [f"{role} GET {page}: {sql[:160]}" for role, page, sql in writes
                  if not _allowed(sql)]
    assert not unexpected, "\n".join(unexpected)
    # The crawl did read pages that are audited (the watch sees what it must).
    assert any("/cases/" in page for page in audited), sorted(audited)
