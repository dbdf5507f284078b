"""QR labels of facilities: a PNG per facility, and the QR code as inline SVG for the
A4 print sheet, drawn by the core's ``parkops.qrlabels`` with the facility's short
absolute scan URL and the ``facilities.label_font`` setting.
"""

from flask_babel import gettext as _
from markupsafe import Markup

from modules.facilities.models import Facility
from modules.facilities.registry import scan_url
from parkops import module_settings, qrlabels
from parkops.qrlabels import base_url_warning

__all__ = ["base_url_warning", "qr_svg", "cjk_font_path", "label_png"]


def qr_svg(facility: Facility) -> Markup:
    return qrlabels.qr_svg(scan_url(facility))


def cjk_font_path() -> str | None:
    return qrlabels.cjk_font_path(module_settings.get("facilities.label_font"))


def label_png(facility: Facility) -> bytes:
    hint = _("Scan to report a problem")
    font_path = cjk_font_path()
    return qrlabels.label_png(scan_url(facility), facility.code, facility.name, hint, font_path)
