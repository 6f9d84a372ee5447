"""Evidence that an artist really was a tester: what may be attached, where the files are
kept, who may read them and how they leave.

Files are private. They live under `EVIDENCE_ROOT` (outside the static and media folders,
with no URL), under a random name in a folder per enrollment, and are read only through a
download that checks who asks: the artist who owns the enrollment, or a reviewer. The
program itself is neither. A file's type is judged by its first bytes, not by its name.
"""

import codecs
import math
import os
import re
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import FileResponse, Http404

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NOTE_CHARS = 5000
# Enough for an invitation, a few screenshots and a contract; a limit keeps the disk safe.
MAX_PER_ENROLLMENT = 20
ALLOWED_FILES = "a PDF, PNG, JPEG, plain text (.txt) or email (.eml) file"
ACCEPT = ".pdf,.png,.jpg,.jpeg,.txt,.eml,application/pdf,image/png,image/jpeg,text/plain,message/rfc822"

# By extension: the content type stored and served, what to call it, and for binary formats
# the bytes every such file starts with.
KINDS = {
    ".pdf": ("application/pdf", "a PDF", b"%PDF-"),
    ".png": ("image/png", "a PNG image", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", "a JPEG image", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", "a JPEG image", b"\xff\xd8\xff"),
    ".txt": ("text/plain", "plain text", None),
    ".eml": ("message/rfc822", "an email (.eml)", None),
}
# Formats that are never text, whatever the name says.
BINARY_STARTS = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"PK\x03\x04", b"MZ", b"\x7fELF", b"GIF8", b"\x1f\x8b")
HEAD_BYTES = 64 * 1024
EMAIL_HEADER = re.compile(rb"^[A-Za-z0-9-]+:[ \t]")
# Control characters other than tab, line feed, form feed, carriage return and escape.
CONTROL = bytes(set(range(32)) - {9, 10, 12, 13, 27})


class EvidenceStorage(FileSystemStorage):
    """Files under settings.EVIDENCE_ROOT, read when used (tests point it elsewhere), readable
    by this process's user only, and with no URL: nothing serves them but the download."""

    def __init__(self):
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self):
        return os.fspath(settings.EVIDENCE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Evidence files have no public address; they are read through the evidence download.")


_storage = EvidenceStorage()


def evidence_storage() -> EvidenceStorage:
    return _storage


def evidence_upload_to(instance, filename: str) -> str:
    """A name nobody can guess, in the enrollment's folder; the original name is kept apart."""
    return f"{instance.enrollment_id}/{secrets.token_hex(16)}"


def is_reviewer(user) -> bool:
    """Staff, or an account given `programs.verify_enrollment` (a union representative, say)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return user.pk is not None and user.has_perm("programs.verify_enrollment")


# What may be attached.


def clean_filename(name: str) -> str:
    """The uploaded file's own name, without folders or control characters, at most 200 long."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "evidence"
    if len(name) > 200:
        stem, suffix = os.path.splitext(name)
        name = stem[: 200 - len(suffix[:20])] + suffix[:20]
    return name


def _megabytes(size: int) -> str:
    """Rounded up, so that a file just over the limit does not read as at the limit."""
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f} MB"


def _looks_like_text(head: bytes, complete: bool) -> bool:
    if any(head.startswith(start) for start in BINARY_STARTS) or b"\x00" in head:
        return False
    if sum(head.count(byte) for byte in CONTROL) > len(head) // 100:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        # Not UTF-8: accept a single-byte encoding (Latin-1, Windows-1252) if it has no
        # bytes those leave undefined.
        return not any(byte in head for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
    return True


def check_evidence_file(file) -> str:
    """The content type of an uploaded evidence file, judged by its first bytes, or a
    ValidationError on `file` saying what is wrong."""
    name = clean_filename(getattr(file, "name", ""))
    extension = PurePath(name).suffix.lower()
    if extension not in KINDS:
        raise ValidationError({"file": f"“{name}” is not {ALLOWED_FILES}. Attach one of those."})
    size = file.size
    if size is None or size > MAX_FILE_BYTES:
        shown = f"This file is {_megabytes(size)}, over" if size else "This file is over"
        raise ValidationError({"file": f"{shown} the 5 MB limit for evidence files."})
    if size == 0:
        raise ValidationError({"file": "This file is empty."})
    content_type, label, start = KINDS[extension]
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if start is not None:
        matches = head.startswith(start)
    else:
        matches = _looks_like_text(head, complete=size <= HEAD_BYTES)
        if matches and extension == ".eml":
            first_line = head.lstrip(b"\r\n").split(b"\n", 1)[0]
            matches = bool(EMAIL_HEADER.match(first_line))
    if not matches:
        raise ValidationError(
            {"file": f"This file's content is not {label}, whatever its name says. Attach {ALLOWED_FILES}."}
        )
    return content_type


# Reading and removing.


def file_response(evidence) -> FileResponse:
    """The evidence file as a download: never shown inline, never sniffed, never cached."""
    if not evidence.file:
        raise Http404("This evidence has no file.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("This evidence file is gone.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_filename or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def remove_files(names: list[str]) -> None:
    for name in names:
        if name:
            _storage.delete(name)


def remove_folders(enrollment_ids: list[int]) -> None:
    """Everything left in these enrollments' folders (a file whose write was interrupted
    included), and the folders."""
    for enrollment_id in enrollment_ids:
        folder = str(enrollment_id)
        if not _storage.exists(folder):
            continue
        _directories, files = _storage.listdir(folder)
        remove_files([f"{folder}/{name}" for name in files])
        _storage.delete(folder)


def remove_after_commit(*, names: list[str] = (), enrollment_ids: list[int] = ()) -> None:
    """Remove files once the deletion of their rows is committed; a rollback keeps both."""
    names, enrollment_ids = list(names), list(enrollment_ids)

    def remove():
        remove_files(names)
        remove_folders(enrollment_ids)

    transaction.on_commit(remove, robust=True)


def remove_file_of_deleted_evidence(sender, instance, **kwargs) -> None:
    """post_delete receiver: however an evidence row goes (an artist deleted in the admin
    takes their enrollments with them), its file goes too."""
    if instance.file:
        remove_after_commit(names=[instance.file.name])
