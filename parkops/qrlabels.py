"""QR labels, for any module that sticks one on a thing (a facility, a checkpoint).

``label_png(url, code, name, hint, font_path)`` draws a PNG label: the QR code
carrying ``url`` (a short absolute scan URL), the thing's code and its name; Chinese
needs a CJK font, so the name and hint are drawn only with the font that
``cjk_font_path(setting)`` found (the module's setting, then fontconfig, then known
paths), the code alone otherwise.
``qr_svg(url)`` is the same code as inline SVG for A4 print sheets.
"""

import ipaddress
import shutil
import subprocess
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from PIL import Image, ImageDraw, ImageFont

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


def _qr(url: str):
    import qrcode  # 5 MiB: loaded when the first label is drawn, not by every worker

    # Level M survives a scratched or dirty label; the short URL keeps the code small.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_svg(url: str) -> Markup:
    """The QR code of ``url`` as a compact inline SVG: one path, rows of dark runs."""
    matrix = _qr(url).get_matrix()
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


def cjk_font_path(configured: str = "") -> str | None:
    """A font file with Chinese glyphs: ``configured`` when it exists, else one found."""
    return _discover_font(configured)


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


def label_png(url: str, code: str, name: str, hint: str, font_path: str | None) -> bytes:
    """A 900×420 px PNG label (76 × 36 mm at 300 dpi): the QR code of ``url``, then
    ``code``, and ``name`` (up to 3 lines) and ``hint`` when ``font_path`` (a CJK font
    file from ``cjk_font_path``) is given."""
    side = LABEL_HEIGHT - 2 * MARGIN
    qr = _qr(url)
    # Whole pixels per module: every module the same size, crisp for any camera.
    qr.box_size = max(1, side // (qr.modules_count + 2 * qr.border))
    qr_image = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    label = Image.new("L", (LABEL_WIDTH, LABEL_HEIGHT), 255)
    offset = MARGIN + (side - qr_image.width) // 2
    label.paste(qr_image, (offset, offset))
    draw = ImageDraw.Draw(label)
    text_x = MARGIN * 2 + side
    text_width = LABEL_WIDTH - text_x - MARGIN
    draw.text((text_x, MARGIN + 10), code, fill=0, font=_font(font_path, 64))
    if font_path:
        name_font = _font(font_path, 44)
        for i, line in enumerate(_fit_lines(draw, name, name_font, text_width, 3)):
            draw.text((text_x, MARGIN + 110 + i * 58), line, fill=0, font=name_font)
        draw.text((text_x, LABEL_HEIGHT - MARGIN - 40), hint, fill=90, font=_font(font_path, 30))
    out = BytesIO()
    label.save(out, "PNG", optimize=True)
    return out.getvalue()
