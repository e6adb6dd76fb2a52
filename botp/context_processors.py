from django.conf import settings

from botp import policy


def portal(request):
    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        # What the signed-in user's role may do beyond one case, for menus and buttons.
        "capabilities": {capability: policy.has_capability(user, capability)
                         for capability in policy.CAPABILITIES} if user else {},
    }
