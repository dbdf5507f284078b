"""QR labels: a PNG per facility, and the QR code as inline SVG for the A4 print sheet.

The code carries the facility's short absolute scan URL. The PNG shows the QR
code, the facility's code and its name; Chinese needs a CJK font, so the name is
drawn only when one is found (the setting, then fontconfig, then known paths),
and the code alone otherwise.
"""

import ipaddress
import shutil
import subprocess
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import qrcode
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from PIL import Image, ImageDraw, ImageFont

from modules.facilities.models import Facility
from modules.facilities.registry import scan_url
from parkops import module_settings

KNOWN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
LABEL_WIDTH, LABEL_HEIGHT = 900, 420  # px: 76 × 36 mm at 300 dpi
MARGIN = 24


def unreachable_base_url() -> str | None:
    """The configured base URL when phones in the park cannot reach it, else None.

    Unset, it defaults to ``http://HOST:PORT`` (127.0.0.1 by default): a loopback or
    unspecified address (127.x, ::1, localhost, 0.0.0.0) only works on the server itself.
    """
    base = current_app.config.get("BASE_URL") or ""
    host = (urlsplit(base).hostname or "").lower()
    if not host or host == "localhost" or host.endswith(".localhost"):
        return base
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: assume the park's DNS knows it
    return base if address.is_loopback or address.is_unspecified else None


def base_url_warning() -> str | None:
    """What to tell whoever prints labels that phones could not open (None: nothing)."""
    base = unreachable_base_url()
    if base is None:
        return None
    return _(
        "These labels point to %(url)s, which phones in the park cannot reach. "
        "Set PARKOPS_BASE_URL to the address phones use (e.g. https://parkops.example.cn) "
        "and restart before printing.",
        url=base or "(unset)",
    )


def _qr(url: str) -> qrcode.QRCode:
    # Level M survives a scratched or dirty label; the short URL keeps the code small.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_svg(facility: Facility) -> Markup:
    """The QR code as a compact inline SVG: one path, rows of dark runs."""
    matrix = _qr(scan_url(facility)).get_matrix()
    size = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return Markup(  # noqa: S704  built from integers only
        f'<svg class="qr" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg" '
        f'shape-rendering="crispEdges" role="img"><rect width="{size}" height="{size}" '
        f'fill="#fff"/><path d="{"".join(parts)}" fill="#000"/></svg>'
    )


@lru_cache(maxsize=8)
def _discover_font(configured: str) -> str | None:
    if configured and Path(configured).is_file():
        return configured
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(
                [fc_match, "-f", "%{file}", ":lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        # fontconfig answers with its best guess even without CJK fonts: trust CJK names only.
        if found and Path(found).is_file() and _looks_cjk(found):
            return found
    return next((p for p in KNOWN_CJK_FONTS if Path(p).is_file()), None)


def _looks_cjk(path: str) -> bool:
    name = Path(path).name.lower()
    return any(k in name for k in ("cjk", "wqy", "hei", "song", "ming", "pingfang", "yahei"))


def cjk_font_path() -> str | None:
    return _discover_font(module_settings.get("facilities.label_font"))


def _font(path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _fit_lines(draw: ImageDraw.ImageDraw, text: str, font, width: int, lines: int) -> list[str]:
    """Break ``text`` character by character (Chinese has no spaces) into at most ``lines``."""
    out, current = [], ""
    for ch in text:
        if draw.textlength(current + ch, font=font) > width:
            out.append(current)
            current = ch
            if len(out) == lines:
                out[-1] = out[-1][:-1] + "…"
                return out
        else:
            current += ch
    if current:
        out.append(current)
    return out


def label_png(facility: Facility) -> bytes:
    side = LABEL_HEIGHT - 2 * MARGIN
    code = _qr(scan_url(facility))
    # Whole pixels per module: every module the same size, crisp for any camera.
    code.box_size = max(1, side // (code.modules_count + 2 * code.border))
    qr_image = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    label = Image.new("L", (LABEL_WIDTH, LABEL_HEIGHT), 255)
    offset = MARGIN + (side - qr_image.width) // 2
    label.paste(qr_image, (offset, offset))
    draw = ImageDraw.Draw(label)
    text_x = MARGIN * 2 + side
    text_width = LABEL_WIDTH - text_x - MARGIN
    font_path = cjk_font_path()
    draw.text((text_x, MARGIN + 10), facility.code, fill=0, font=_font(font_path, 64))
    if font_path:
        name_font = _font(font_path, 44)
        for i, line in enumerate(_fit_lines(draw, facility.name, name_font, text_width, 3)):
            draw.text((text_x, MARGIN + 110 + i * 58), line, fill=0, font=name_font)
        hint = _("Scan to report a problem")
        draw.text((text_x, LABEL_HEIGHT - MARGIN - 40), hint, fill=90, font=_font(font_path, 30))
    out = BytesIO()
    label.save(out, "PNG", optimize=True)
    return out.getvalue()
