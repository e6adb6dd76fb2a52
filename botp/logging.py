import logging


class StripRequestData(logging.Filter):
    """Keep request objects (with their bodies, cookies and query strings) out of log records."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None:
            record.request = None
            record.path = getattr(request, "path", "")
        return True
