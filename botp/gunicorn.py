"""Gunicorn's access log without personal links: run gunicorn with
``--logger-class botp.gunicorn.RedactingLogger``."""

from gunicorn.glogging import Logger

from botp.logging import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e"):
            if key in atoms:
                atoms[key] = redact(atoms[key])
        return atoms
