"""REST API for moving a ledger between instances: the export as a zip of CSV files, and
the import of that zip into an empty account (artists.restore)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from artists import exports, restore
from config.api import IsArtist
from config.auth import current_artist
from feedback.imports import MAX_FILE_BYTES, ImportFailed, ImportRefused


class ExportZipView(APIView):
    """Everything the tracker holds about the artist as a zip of CSV files, one per table:
    the file POST /api/v1/me/import/ takes."""

    permission_classes = [IsAuthenticated, IsArtist]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request):
        artist = current_artist(request)
        return HttpResponse(
            exports.export_zip(artist),
            content_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="early-access-tracker-{artist.handle}.zip"'},
        )


class ExportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The zip of an export (GET /api/v1/me/export/zip/ or “Download my data”).")

    def validate_file(self, upload):
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(f"The zip can be at most {MAX_FILE_BYTES >> 20} MB.")
        return upload


class ImportProblemSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The file of the export: contributions.csv …")
    line = serializers.IntegerField(help_text="The line, numbered as a spreadsheet does (the header is 1).")
    message = serializers.CharField()


class ImportRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ImportProblemSerializer(many=True)


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
            400: ImportRefusedSerializer,
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
            return Response(
                {
                    "detail": f"{refused}; nothing was imported.",
                    "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in refused.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except ImportFailed as failed:
            return Response({"detail": str(failed), "errors": []}, status=status.HTTP_409_CONFLICT)
        return Response(result.counts, status=status.HTTP_201_CREATED)
