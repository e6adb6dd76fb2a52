"""/api/v1/documents/: the PDF documents a user may download, their metadata and the file."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import BaseContentNegotiation

from botp import documents, policy
from botp.api import errors
from botp.api.filters import ByCase
from botp.api.viewsets import ScopedViewSet
from botp.models import Document


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    download = serializers.SerializerMethodField(
        help_text=_("Where to download the PDF, once it is ready; otherwise null."))

    class Meta:
        model = Document
        fields = ["id", "case", "kind", "version", "language", "status", "sha256", "size",
                  "created_at", "rendered_at", "download"]

    def get_download(self, document) -> str | None:
        if document.status != Document.Status.RENDERED or not document.file:
            return None
        request = self.context["request"]
        return request.build_absolute_uri(reverse("api:document-download", args=[document.pk]))


class PDFOrError(BaseContentNegotiation):
    """The download answers a PDF, whatever the client accepts (``Accept: application/pdf``
    must not be refused with a 406), and its errors as the API's JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DocumentFilter(ByCase):
    class Meta:
        model = Document
        fields = ["case", "kind", "status"]


@extend_schema_view(
    list=extend_schema(summary="The documents the user may download",
                       responses={200: DocumentSerializer(many=True), **errors.LISTED}),
    retrieve=extend_schema(summary="One document's metadata",
                           responses={200: DocumentSerializer, **errors.UNAUTHENTICATED,
                                      **errors.NOT_FOUND}),
    download=extend_schema(
        summary="The document as PDF",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY,
                                                             description="The PDF file."),
                   **errors.UNAUTHENTICATED, **errors.NOT_FOUND}),
)
class DocumentViewSet(ScopedViewSet):
    """A document the user may not download reads as not found, like on the pages."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    audit_lists = False  # metadata; each download is audited

    def scoped(self, user):
        return policy.documents_visible_to(user).select_related("case")

    @action(detail=True, methods=["get"], content_negotiation_class=PDFOrError)
    def download(self, request, pk=None):
        # DRF's lookup: an id that is not a number is not found, like one that does not exist.
        document = get_object_or_404(self.get_queryset().downloadable(), pk=pk)
        return documents.download(document, reader=request.user, through_api=True)
