"""The API's router. botp registers its own endpoints here, and each stage app its own from its
AppConfig.ready(), so botp imports no stage app (the way botp.sections and botp.documents work).
"""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()


def register(prefix, viewset, *, basename):
    router.register(prefix, viewset, basename=basename)
