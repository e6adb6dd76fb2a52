"""Stakeholder evaluation campaigns (seed 000, "Evaluation setup"): Fedris asks the programme's
network (BTPs, ISPs, referrers, prevention advisors, social partners) about the programme's
process with a questionnaire kept as data, follows the response rate, and reads the answers in
aggregate once the campaign is closed, for groups of at least the minimum size.

Answers are pseudonymous: a response row has no link to its recipient (the recipient's row only
says that they answered), so nothing can put a professional's answers beside their case work.
"""
