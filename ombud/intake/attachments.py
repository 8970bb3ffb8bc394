"""Attachments: limited in size and number, typed by their content, not by what the client says.

A file is kept whatever its name claims, under the type its bytes show, and goes out only as a download
(ombud.correspondence.views): `Content-Disposition: attachment`, `nosniff`, and a type from SAFE_TYPES or
application/octet-stream. In detail:

- Text that carries markup (a saved web page, an SVG, XML) is kept as application/octet-stream, never as
  text/plain: a browser that ignored nosniff could still run it.
- An image is trusted as an image only when Pillow decodes it whole; a JPEG header followed by anything
  else (a polyglot with a script) is kept as application/octet-stream.
- GIF, WebP, MP3 and MP4 are kept under their own type but downloaded as application/octet-stream.
- An image is shown inline only as a copy re-encoded here (`preview`): new pixels, no metadata, no trailer.
- Unrecognised binary content is refused at upload.
"""
import codecs
import hashlib
import io
import re

from django.conf import settings

from ombud.cases.models import Attachment, CaseEvent
from ombud.core.errors import InvalidInput

OCTET = "application/octet-stream"
SAFE_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain"}  # downloaded under their own type
IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp"}  # may be previewed, re-encoded
MARKUP = "text/html"  # text that carries markup: accepted, kept and served as OCTET
KEPT_AS_OCTET = {MARKUP, OCTET}  # accepted, whatever OMBUD_ATTACHMENT_TYPES says, and kept as OCTET
HEAD = 64 * 1024  # how much of a file is read to type it
MAX_PIXELS = 50_000_000  # a larger image is not decoded (a decompression bomb): kept as OCTET
PREVIEW_SIZE = 1600  # the longest side of a preview, in pixels

_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
]
# What makes a browser treat text as a document: a tag it would act on, a doctype, an XML declaration.
_MARKUP = re.compile(r"<\s*(?:!doctype|!--|\?xml|html|head|body|script|iframe|frame|svg|math|object|embed|applet|"
                     r"style|link|meta|base|form|input|img|video|audio|a\s)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def sniff(head: bytes, complete=False):
    """The type the first bytes show; `complete`: `head` is the whole file. UTF-8 text is text/plain, or
    MARKUP when it carries markup, or OCTET when it has control characters; None for binary content not
    recognised."""
    for magic, ctype in _MAGIC:
        if head.startswith(magic):
            return ctype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head.removeprefix(b"\xef\xbb\xbf"), final=complete)
    except UnicodeDecodeError:  # not UTF-8 (a character cut at the end of a partial head is no fault)
        return None
    if _CONTROL.search(text):  # text by its encoding, binary by its content (UTF-16, say)
        return OCTET
    return MARKUP if _MARKUP.search(text) else "text/plain"


def _decodes(f):
    """Whether Pillow decodes the whole image (within MAX_PIXELS)."""
    from PIL import Image

    try:
        with Image.open(f) as img:
            if img.width * img.height > MAX_PIXELS:
                return False
            img.draft("RGB", (PREVIEW_SIZE, PREVIEW_SIZE))  # every byte still decoded, at a reduced scale
            img.load()
        return True
    except Exception:  # noqa: BLE001 - anything Pillow cannot read is not trusted as an image
        return False
    finally:
        f.seek(0)


def stored_type(kind, f):
    """The type a file of `kind` is kept under: markup, text with control characters and an image that
    does not decode are kept as OCTET."""
    if kind in KEPT_AS_OCTET or (kind in IMAGES and not _decodes(f)):
        return OCTET
    return kind


def _head(fh):
    head = fh.read(HEAD)
    complete = len(head) < HEAD or not fh.read(1)
    fh.seek(0)
    return head, complete


def served_type(attachment):
    """The Content-Type a download goes out with: the stored type when it is a safe one and the file's
    bytes still show it (a file kept before these checks is typed again), else OCTET."""
    stored = attachment.content_type
    if stored not in SAFE_TYPES:
        return OCTET
    with attachment.file.storage.open(attachment.file.name, "rb") as fh:
        head, complete = _head(fh)
        if sniff(head, complete) != stored:
            return OCTET
        if stored in IMAGES:
            from PIL import Image

            try:  # the header at least must parse; a JPEG magic before a script does not
                with Image.open(fh) as img:
                    img.size  # noqa: B018
            except Exception:  # noqa: BLE001
                return OCTET
    return "text/plain; charset=utf-8" if stored == "text/plain" else stored


def preview(attachment):
    """(bytes, content type) of an image re-encoded from its pixels (at most PREVIEW_SIZE a side, no
    metadata), or None when it is not an image Pillow decodes. Only this copy is ever shown inline."""
    if attachment.content_type not in IMAGES:
        return None
    from PIL import Image, ImageOps

    try:
        with attachment.file.storage.open(attachment.file.name, "rb") as fh, Image.open(fh) as img:
            if img.width * img.height > MAX_PIXELS:
                return None
            img.draft("RGB", (PREVIEW_SIZE, PREVIEW_SIZE))  # a JPEG is decoded at a reduced scale
            img.load()
            picture = ImageOps.exif_transpose(img)
            picture.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
            alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
            out = io.BytesIO()
            if alpha:
                picture.convert("RGBA").save(out, "PNG", optimize=True)
                return out.getvalue(), "image/png"
            picture.convert("RGB").save(out, "JPEG", quality=85)
            return out.getvalue(), "image/jpeg"
    except Exception:  # noqa: BLE001 - a file Pillow cannot decode is not shown
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
        head, complete = _head(f)
        kind = sniff(head, complete)
        if kind not in settings.OMBUD_ATTACHMENT_TYPES and kind not in KEPT_AS_OCTET:
            errors.append({"loc": loc, "type": "bad_type",
                           "msg": f"{f.name}: this kind of file is not accepted; send PDF, JPEG, PNG, GIF, WebP, "
                                  f"MP3, MP4 or plain text"})
            continue
        accepted.append((f, stored_type(kind, f)))
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
