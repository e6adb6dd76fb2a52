"""The FA-BRM, the federal administration's burnout re-integration monitor (seed 001).

A confidential self-assessment without an account: a person starts it, answers, reads their
feedback (and keeps it as a PDF) and comes back through a private link for the 3- and 6-month
measurements, which show the change since the earlier ones. An e-mail address for the
follow-up invitations is optional, kept encrypted in its own table and deleted whenever the
person asks. Staff see aggregates by organisation and period only (``aggregates``); no page,
export or back-office screen shows one person's answers.
"""
