"""What the stages' reports share: a report that cannot be saved or sent, with its problems."""

from django.core.exceptions import ValidationError


class ReportRefused(ValidationError):
    """The report cannot be saved or sent; ``problems`` pairs each message with its field (None
    for the report as a whole)."""

    def __init__(self, problems):
        super().__init__([message for _field, message in problems])
        self.problems = problems
