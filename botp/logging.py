import logging
import re

# Paths that carry a personal link: whoever reads a log must not be able to use it.
PERSONAL_LINK = re.compile(
    r"(/(?:evaluation/survey|intake/activate|accounts/invitation)/)[^/\s?\"]+")


def redact(text):
    return PERSONAL_LINK.sub(r"\1[link]", text)


class StripRequestData(logging.Filter):
    """Keep request objects (with their bodies, cookies and query strings) out of log records."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None:
            record.request = None
            record.path = redact(getattr(request, "path", ""))
        # "Not Found: /evaluation/survey/<token>/" and the like.
        record.msg = redact(str(record.msg))
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a
                                for a in (record.args if isinstance(record.args, tuple)
                                          else (record.args,)))
        return True
