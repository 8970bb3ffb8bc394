"""System check: warn at `migrate` (so `make run` says it up front) when PDFs cannot be made."""
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def cjk_font(app_configs, **kwargs):
    from .pdf import INSTALL_HINT, find_font

    if find_font() is not None:
        return []
    return [checks.Warning(
        "No CJK font for PDF documents: their PDFs answer 503 with an explanation (the printable pages work).",
        hint=INSTALL_HINT[0].upper() + INSTALL_HINT[1:] + ". Looked at: " + ", ".join(settings.OMBUD_PDF_FONTS)
        + ", and fontconfig (fc-list :lang=zh-cn).",
        id="ombud.W001",
    )]
