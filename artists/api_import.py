"""REST API for moving a ledger between instances: the export as a zip of CSV files, and
the import of that zip into an empty account (artists.restore)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from artists import exports, restore
from config.api import IsArtist
from config.auth import current_artist
from config.schema import ErrorSerializer
from feedback.imports import MAX_FILE_BYTES, ImportFailed, ImportRefused
from programs.api import AnyAccept

# application/zip, or octet-stream for a client that asks only for that (generated clients
# read downloads as bytes only under that name).
ZIP_TYPES = ["application/zip", "application/octet-stream"]


class ExportZipView(APIView):
    """Everything the tracker holds about the artist as a zip of CSV files, one per table:
    the file POST /api/v1/me/import/ takes."""

    permission_classes = [IsAuthenticated, IsArtist]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAccept

    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in ZIP_TYPES})
    def get(self, request):
        artist = current_artist(request)
        accept = request.headers.get("Accept", "")
        asks_for_bytes = ZIP_TYPES[1] in accept and ZIP_TYPES[0] not in accept
        return HttpResponse(
            exports.export_zip(artist),
            content_type=ZIP_TYPES[1] if asks_for_bytes else ZIP_TYPES[0],
            # Everything about one artist: no cache on the way may keep a copy.
            headers={
                "Content-Disposition": f'attachment; filename="early-access-tracker-{artist.handle}.zip"',
                "Cache-Control": "private, no-store",
            },
        )


class ExportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The zip of an export (GET /api/v1/me/export/zip/ or “Download my data”).")

    def validate_file(self, upload):
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(f"The zip can be at most {MAX_FILE_BYTES >> 20} MB.")
        return upload


def refusal(refused: ImportRefused) -> dict:
    """The 400 body of a refused export: the problems by file, each with its line (numbered
    as a spreadsheet does: the header is line 1) and message."""
    files: dict[str, list[dict]] = {}
    for error in refused.errors:
        files.setdefault(error.file, []).append({"line": error.line, "message": error.message})
    return {"detail": f"{refused}; nothing was imported.", "files": files}


class ImportExportView(APIView):
    """Import an export zip into this account's empty ledger, all or nothing. Programs are
    matched by slug. Enrollments come in unverified (verification is a reviewer's, never a
    file's); evidence files, the choice to show the public name, and the username, email and
    handle are not imported."""

    permission_classes = [IsAuthenticated, IsArtist]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ExportUploadSerializer},
        responses={
            201: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="How many records of each table were imported: enrollments, access_events, "
                "contributions, works, decisions, compensations, allocations.",
            ),
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="Nothing was imported. `file`: the upload itself is refused (missing, too large). "
                "Otherwise `detail` and `files`: for each file of the export ({file}.csv, or the zip's own "
                "name), a list of {line, message}.",
            ),
            409: OpenApiResponse(response=ErrorSerializer, description="The database refused the write; try again."),
        },
    )
    def post(self, request):
        upload = ExportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            files = restore.read_export(file.name, b"".join(file.chunks()))
            result = restore.restore_export(artist=current_artist(request), files=files)
        except ImportRefused as refused:
            return Response(refusal(refused), status=status.HTTP_400_BAD_REQUEST)
        except ImportFailed as failed:
            return Response({"detail": str(failed)}, status=status.HTTP_409_CONFLICT)
        return Response(result.counts, status=status.HTTP_201_CREATED)
