"""PDF rendering with an embedded CJK TrueType font (Debian's fonts-wqy-microhei by default).

The font is subset into each file, so the PDF needs nothing on the reader's side, and
its text stays extractable (the subset carries a ToUnicode map).
"""
import functools
import os
import shutil
import subprocess

from django.conf import settings
from fpdf import FPDF

FONT_SUFFIXES = (".ttf", ".ttc", ".otf")
INSTALL_HINT = ("install Debian's fonts-wqy-microhei (or fonts-wqy-zenhei, fonts-droid-fallback, fonts-noto-cjk), "
                "or set OMBUD_PDF_FONT to a TrueType (.ttf/.ttc) file")


class FontMissing(RuntimeError):
    pass


def find_font():
    """The first CJK font found: OMBUD_PDF_FONT, the known Debian paths, then any font fontconfig
    says covers Chinese. None when there is none."""
    for path in settings.OMBUD_PDF_FONTS:
        if os.path.exists(path):
            return path
    return _fontconfig_cjk()


@functools.lru_cache(maxsize=1)
def _fontconfig_cjk():
    if not shutil.which("fc-list"):
        return None
    try:
        listed = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    paths = sorted(p.strip().rstrip(":") for p in listed.splitlines())
    return next((p for p in paths if p.lower().endswith(FONT_SUFFIXES) and os.path.exists(p)), None)


def font_path():
    path = find_font()
    if path is None:
        raise FontMissing("no CJK font for PDFs: " + INSTALL_HINT + "; tried " + ", ".join(settings.OMBUD_PDF_FONTS)
                          + " and fontconfig (fc-list :lang=zh-cn)")
    return path


def _pdf():
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    path = font_path()
    pdf.add_font("cjk", fname=path, **({"collection_font_number": 0} if path.endswith(".ttc") else {}))
    pdf.add_page()
    return pdf


def _text(pdf, text, size=12, align="L", gap=2):
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, size * 0.6, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def render_pdf(content):
    pdf = _pdf()
    _text(pdf, content["issuer"], size=14, align="C", gap=1)
    _text(pdf, content["title"], size=18, align="C", gap=1)
    _text(pdf, content["number"], size=11, align="C", gap=6)
    if content.get("to"):
        _text(pdf, f"{content['to']}：")
    for paragraph in content.get("paragraphs", []):
        _text(pdf, "　　" + paragraph)
    for tick in content.get("ticks", []):
        _text(pdf, ("■ " if tick["ticked"] else "□ ") + tick["text"], size=10, gap=1)
    for label, value in content.get("fields", []):
        _text(pdf, f"{label}：{value or ''}", size=11, gap=1)
    for paragraph in content.get("after", []):
        _text(pdf, "　　" + paragraph)
    pdf.ln(6)
    for who in content.get("signatures", []):
        _text(pdf, f"{who}（签名）：____________________", gap=4)
    _text(pdf, content["issuer"], align="R", gap=1)
    _text(pdf, content["date"], align="R")
    return bytes(pdf.output())
