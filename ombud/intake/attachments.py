"""Attachments: limited in size and number, typed by their first bytes, not by what the client says."""
import hashlib

from django.conf import settings

from ombud.cases.models import Attachment, CaseEvent
from ombud.core.errors import InvalidInput

_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
]


def sniff(head: bytes):
    for magic, ctype in _MAGIC:
        if head.startswith(magic):
            return ctype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    try:
        head.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return None


def check_attachments(files):
    """Raise InvalidInput naming every file at fault; return [(file, content_type)]."""
    errors, accepted = [], []
    if len(files) > settings.OMBUD_ATTACHMENT_MAX_FILES:
        errors.append({"loc": ["attachments"], "type": "too_many",
                       "msg": f"at most {settings.OMBUD_ATTACHMENT_MAX_FILES} attachments per case"})
    for i, f in enumerate(files):
        loc = ["attachments", i]
        if f.size > settings.OMBUD_ATTACHMENT_MAX_BYTES:
            errors.append({"loc": loc, "type": "too_large",
                           "msg": f"{f.name}: {f.size} bytes; the limit is {settings.OMBUD_ATTACHMENT_MAX_BYTES}"})
            continue
        head = f.read(512)
        f.seek(0)
        ctype = sniff(head)
        if ctype not in settings.OMBUD_ATTACHMENT_TYPES:
            errors.append({"loc": loc, "type": "bad_type",
                           "msg": f"{f.name}: this kind of file is not accepted; send PDF, JPEG, PNG, GIF, WebP, "
                                  f"MP3, MP4 or plain text"})
            continue
        accepted.append((f, ctype))
    if errors:
        raise InvalidInput(errors)
    return accepted


def store_attachments(*, case, checked, actor, record=True):
    """Save files already passed by check_attachments, and record them on the case; returns the rows.
    `record=False`: the caller writes its own event (a message lists its files)."""
    from ombud.cases.services import event

    rows, saved = [], []
    for f, ctype in checked:
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        att = Attachment(case=case, name=f.name[:200], content_type=ctype, size=f.size, sha256=digest.hexdigest())
        att.file.save(f"{case.ticket}-{f.name[-80:]}", f, save=False)
        att.save()
        rows.append({"name": att.name, "size": att.size, "type": ctype, "sha256": att.sha256})
        saved.append(att)
    if record:
        CaseEvent.objects.bulk_create([event(case, action="attachments_added", actor=actor, data={"files": rows})])
    return saved
