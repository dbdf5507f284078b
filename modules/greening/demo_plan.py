"""The demo's plan of 濮上园, drawn with Pillow: a river, a lake, paths and the twelve
zones' grounds, with each zone's outline (relative to the image) matching its ground."""

import io

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

WIDTH, HEIGHT = 1600, 1000
# Zone code → outline, [x, y] relative to the image; laid out around the river.
OUTLINES = {
    "PSY-G01": [[0.40, 0.82], [0.60, 0.82], [0.62, 0.97], [0.38, 0.97]],
    "PSY-G02": [[0.64, 0.60], [0.84, 0.58], [0.86, 0.78], [0.66, 0.80]],
    "PSY-G03": [[0.14, 0.58], [0.34, 0.60], [0.34, 0.80], [0.12, 0.78]],
    "PSY-G04": [[0.04, 0.06], [0.26, 0.05], [0.28, 0.30], [0.05, 0.32]],
    "PSY-G05": [[0.30, 0.30], [0.70, 0.30], [0.70, 0.40], [0.30, 0.40]],
    "PSY-G06": [[0.30, 0.50], [0.70, 0.50], [0.70, 0.56], [0.30, 0.56]],
    "PSY-G07": [[0.46, 0.56], [0.54, 0.56], [0.54, 0.82], [0.46, 0.82]],
    "PSY-G08": [[0.74, 0.12], [0.82, 0.09], [0.90, 0.14], [0.86, 0.24], [0.76, 0.24]],
    "PSY-G09": [[0.30, 0.05], [0.62, 0.05], [0.62, 0.26], [0.30, 0.26]],
    "PSY-G10": [[0.36, 0.60], [0.44, 0.60], [0.44, 0.80], [0.36, 0.80]],
    "PSY-G11": [[0.88, 0.84], [0.98, 0.84], [0.98, 0.98], [0.88, 0.98]],
    "PSY-G12": [[0.02, 0.84], [0.20, 0.84], [0.20, 0.98], [0.02, 0.98]],
}
GROUND = {
    "PSY-G02": (236, 170, 190),
    "PSY-G03": (236, 170, 190),
    "PSY-G04": (190, 160, 220),
    "PSY-G09": (150, 190, 110),
    "PSY-G08": (110, 160, 100),
}


def _px(outline):
    return [(x * WIDTH, y * HEIGHT) for x, y in outline]


def plan_upload() -> FileStorage:
    """The plan image as an upload, for the core's photo handling."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (214, 232, 196))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0.41 * HEIGHT, WIDTH, 0.49 * HEIGHT), fill=(140, 190, 230))  # 濮水河
    draw.ellipse((0.66 * WIDTH, 0.04 * HEIGHT, 0.96 * WIDTH, 0.32 * HEIGHT), fill=(150, 200, 235))
    for x in (0.5, 0.29, 0.71):  # bridges and main paths
        draw.rectangle((x * WIDTH - 14, 0, x * WIDTH + 14, HEIGHT), fill=(230, 222, 200))
    draw.rectangle((0, 0.80 * HEIGHT, WIDTH, 0.82 * HEIGHT), fill=(230, 222, 200))
    for code, outline in OUTLINES.items():
        draw.polygon(_px(outline), fill=GROUND.get(code, (176, 214, 150)), outline=(90, 120, 80))
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    return FileStorage(out, filename="濮上园平面图.png", content_type="image/png")
