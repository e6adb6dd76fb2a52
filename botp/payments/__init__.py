"""Paying the programme: providers' monthly statements, participants' travel claims and the
SEPA payment file of each payment run.

- ``tariffs``: what a session, meeting, report or trip is paid, read from the programme version
  in force on the day it was held (botp.programme_rules);
- ``models``: statements and their lines (each session, meeting or report paid at most once,
  held by unique constraints), travel claims, bank accounts and payment runs (never changed);
- ``services``: building the statements (the monthly beat task and on demand), confirming,
  disputing, answering, approving, late corrections, travel claims and payment runs, each in
  one transaction, audited, its PDFs through the outbox;
- ``sepa``: the pain.001 credit transfer file (sepaxml), IBANs checked with schwifty;
- ``pdf``: the statement and payment run PDFs, rendered by the worker in every language;
- ``views``, ``forms``, ``urls``, ``worklist``: the pages and the to-dos.

Who sees what is botp.policy's (``statements_for``, ``travel_claims_for``, capabilities).
"""

# Payments' records in the audit trail: their subjects start with this, and the account audit
# trail (Fedris psychologists') leaves them out: payments are the administrators' business.
AUDIT_PREFIX = "payment:"
