"""The filter most endpoints share: by the case's reference."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters


class ByCase(filters.FilterSet):
    """Subclass with a Meta naming the model and its fields (``case`` among them)."""

    case = filters.CharFilter(field_name="case__reference", help_text=_("The case's reference."))
