"""Draw the demo's product illustrations with Pillow: no network, no photographs.

Each category has its own motif (a praline box, a bottle, a hat, a diamond…), tinted
with the merchant's colour and the edition's accent. Every picture carries a pencil
in its corner, a mark in no language, and is stored as an illustration, so that the
pages say "Illustration" beside it in the reader's language (its caption, its
alternative text, the cards' badge): nobody mistakes it for a photograph.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = 800


def _accent(seed: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] / 255
    r, g, b = colorsys.hls_to_rgb(hue, 0.55, 0.55)
    return int(r * 255), int(g * 255), int(b * 255)


def _mix(a, b, t):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _background(base: tuple[int, int, int]) -> Image.Image:
    top = _mix(base, (255, 255, 255), 0.82)
    bottom = _mix(base, (255, 255, 255), 0.55)
    image = Image.new("RGB", (SIZE, SIZE), top)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE):
        draw.line([(0, y), (SIZE, y)], fill=_mix(top, bottom, y / SIZE))
    return image


def _shadow(image: Image.Image, box) -> None:
    layer = Image.new("L", image.size, 0)
    ImageDraw.Draw(layer).ellipse(box, fill=110)
    layer = layer.filter(ImageFilter.GaussianBlur(18))
    image.paste((40, 30, 25), mask=layer)


def _pralines(d, base, accent, variant):
    d.rounded_rectangle(
        [140, 200, 660, 600], 30, fill=_mix(accent, (255, 255, 255), 0.3)
    )
    d.rounded_rectangle([165, 225, 635, 575], 20, fill=(250, 244, 232))
    for row in range(3):
        for col in range(4):
            cx, cy = 225 + col * 117, 290 + row * 110
            shade = _mix(base, (30, 15, 10), 0.2 + 0.15 * ((row + col + variant) % 3))
            if (row + col + variant) % 2:
                d.ellipse([cx - 45, cy - 45, cx + 45, cy + 45], fill=shade)
                d.arc(
                    [cx - 30, cy - 30, cx + 30, cy + 30],
                    200,
                    340,
                    fill=(235, 215, 180),
                    width=6,
                )
            else:
                d.rounded_rectangle(
                    [cx - 45, cy - 40, cx + 45, cy + 40], 12, fill=shade
                )
                d.line([cx - 30, cy, cx + 30, cy], fill=(235, 215, 180), width=5)


def _bar(d, base, accent, variant):
    d.polygon(
        [(180, 160), (620, 160), (640, 640), (160, 640)],
        fill=_mix(accent, (0, 0, 0), 0.15),
    )
    d.rectangle([200, 260, 600, 620], fill=_mix(base, (20, 10, 5), 0.35))
    for row in range(4):
        for col in range(3):
            x, y = 215 + col * 130, 275 + row * 85
            d.rounded_rectangle(
                [x, y, x + 110, y + 70], 8, fill=_mix(base, (60, 30, 20), 0.1)
            )
    d.rectangle([200, 170, 600, 250], fill=(250, 245, 235))


def _biscuits(d, base, accent, variant):
    if variant % 2 == 0:  # waffle
        d.rounded_rectangle([170, 190, 630, 610], 40, fill=(214, 162, 80))
        for i in range(1, 6):
            x = 170 + i * 77
            d.line([x, 200, x, 600], fill=(170, 115, 45), width=14)
            y = 190 + i * 70
            d.line([180, y, 620, y], fill=(170, 115, 45), width=14)
    else:  # speculoos
        for k in range(3):
            off = k * 40
            d.rounded_rectangle(
                [200 + off, 220 + off, 560 + off, 480 + off],
                16,
                fill=_mix((186, 112, 52), (0, 0, 0), 0.1 * k),
            )
        d.rounded_rectangle([280, 300, 640, 560], 16, fill=(196, 122, 58))
        d.ellipse([410, 340, 510, 440], outline=(150, 85, 35), width=8)
        d.line([460, 440, 460, 520], fill=(150, 85, 35), width=8)


def _bottle(d, base, accent, variant, tall=False):
    neck_top = 130 if tall else 170
    body_top = 330 if tall else 360
    d.rectangle([365, neck_top, 435, body_top], fill=_mix(base, (20, 20, 20), 0.5))
    d.rounded_rectangle(
        [290, body_top - 30, 510, 660], 50, fill=_mix(base, (20, 20, 20), 0.45)
    )
    d.rectangle([360, neck_top - 25, 440, neck_top + 10], fill=accent)
    d.rounded_rectangle([310, 440, 490, 580], 10, fill=(248, 240, 220))
    d.rectangle([310, 470, 490, 500], fill=accent)
    if not tall:
        d.polygon(
            [(560, 420), (660, 420), (640, 650), (580, 650)],
            fill=_mix(base, (255, 220, 120), 0.55),
        )
        d.ellipse([555, 395, 665, 445], fill=(252, 250, 242))


def _lace(d, base, accent, variant):
    cx, cy = SIZE // 2, SIZE // 2 - 20
    d.ellipse(
        [cx - 280, cy - 280, cx + 280, cy + 280], fill=_mix(accent, (40, 40, 60), 0.6)
    )
    for ring, radius in enumerate((250, 190, 130, 70)):
        petals = 24 - ring * 4
        for k in range(petals):
            a = 2 * math.pi * k / petals + variant * 0.2
            x, y = cx + radius * math.cos(a), cy + radius * math.sin(a)
            r = 28 - ring * 4
            d.ellipse([x - r, y - r, x + r, y + r], outline=(252, 250, 245), width=4)
        d.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius],
            outline=(252, 250, 245),
            width=2,
        )


def _hat(d, base, accent, variant):
    brim = _mix(accent, (30, 30, 30), 0.35)
    d.ellipse([140, 430, 660, 580], fill=brim)
    d.rounded_rectangle([260, 230, 540, 510], 70, fill=_mix(brim, (255, 255, 255), 0.1))
    d.polygon([(330, 230), (400, 270), (470, 230)], fill=_mix(brim, (0, 0, 0), 0.25))
    d.rectangle([260, 440, 540, 480], fill=_mix(base, (255, 255, 255), 0.2))


def _cosmetics(d, base, accent, variant):
    if variant % 2 == 0:
        d.rounded_rectangle([230, 360, 570, 600], 30, fill=(250, 248, 244))
        d.rounded_rectangle([220, 300, 580, 380], 20, fill=accent)
        d.rectangle([270, 440, 530, 520], fill=_mix(base, (255, 255, 255), 0.4))
    else:
        d.rounded_rectangle(
            [330, 300, 470, 620], 30, fill=_mix(accent, (255, 255, 255), 0.35)
        )
        d.rectangle([370, 210, 430, 300], fill=(40, 40, 40))
        d.ellipse([350, 150, 450, 230], fill=(40, 40, 40))
        d.rectangle([345, 430, 455, 520], fill=(250, 248, 244))


def _diamond(d, base, accent, variant):
    top = [(250, 300), (330, 220), (470, 220), (550, 300)]
    d.polygon([*top, (400, 620)], fill=(225, 238, 248))
    d.polygon([(250, 300), (550, 300), (400, 620)], fill=(200, 222, 240))
    for x in (330, 400, 470):
        d.line(
            [(x, 220 if x != 400 else 300), (400, 620)], fill=(150, 180, 210), width=3
        )
    d.line([(250, 300), (550, 300)], fill=(150, 180, 210), width=4)
    d.line(
        [(330, 220), (370, 300), (400, 220), (430, 300), (470, 220)],
        fill=(150, 180, 210),
        width=3,
    )
    d.arc(
        [180, 140, 620, 700], 200, 340, fill=_mix(accent, (200, 170, 60), 0.6), width=10
    )


def _bedding(d, base, accent, variant):
    d.rounded_rectangle([150, 260, 650, 560], 90, fill=(250, 250, 252))
    d.rounded_rectangle(
        [150, 260, 650, 560], 90, outline=_mix(accent, (255, 255, 255), 0.2), width=10
    )
    for x in range(230, 600, 70):
        d.line([x, 290, x, 530], fill=(225, 230, 240), width=4)
    d.rectangle([150, 580, 650, 640], fill=_mix(accent, (255, 255, 255), 0.4))


def _toys(d, base, accent, variant):
    colours = [(220, 70, 60), (60, 140, 200), (240, 190, 60), (80, 170, 100), accent]
    blocks = [(180, 470), (320, 470), (460, 470), (250, 330), (390, 330), (320, 190)]
    for k, (x, y) in enumerate(blocks):
        d.rounded_rectangle(
            [x, y, x + 130, y + 130], 14, fill=colours[(k + variant) % len(colours)]
        )
        d.text(
            (x + 45, y + 30),
            "ABCDEF"[k],
            fill=(255, 255, 255),
            font=ImageFont.load_default(60),
        )


MOTIFS = {
    "pralines": _pralines,
    "chocolate-bars": _bar,
    "chocolate": _pralines,
    "biscuits-waffles": _biscuits,
    "beer": _bottle,
    "jenever": lambda d, b, a, v: _bottle(d, b, a, v, tall=True),
    "lace": _lace,
    "hats": _hat,
    "cosmetics": _cosmetics,
    "jewellery": _diamond,
    "bedding": _bedding,
    "toys": _toys,
}


def _drawn_mark(draw: ImageDraw.ImageDraw) -> None:
    """A pencil on a dark tile in the lower-left corner: "drawn", in no language.
    The pages say "Illustration" beside the picture in the reader's own."""
    draw.rounded_rectangle([24, SIZE - 84, 84, SIZE - 24], 12, fill=(31, 26, 23))
    cx, cy, half, thick = 54, SIZE - 54, 21, 6  # the pencil, tip down-left
    ux, uy = math.cos(math.pi / 4), -math.sin(math.pi / 4)  # along it, up-right
    nx, ny = -uy, ux  # across it

    def at(along: float, across: float) -> tuple[float, float]:
        return (cx + ux * along + nx * across, cy + uy * along + ny * across)

    white, lead = (255, 255, 255), (205, 170, 90)
    draw.polygon(
        [at(-9, -thick), at(half, -thick), at(half, thick), at(-9, thick)], fill=white
    )
    draw.polygon([at(-9, -thick), at(-half, 0), at(-9, thick)], fill=lead)
    draw.polygon(
        [at(half - 6, -thick), at(half, -thick), at(half, thick), at(half - 6, thick)],
        fill=(222, 120, 120),
    )


def draw_illustration(
    *, category: str, colour: tuple[int, int, int], seed: str, variant: int
) -> bytes:
    """Return a PNG illustration for a product of ``category``."""
    accent = _accent(seed)
    image = _background(colour)
    _shadow(image, (170, 600, 630, 690))
    draw = ImageDraw.Draw(image)
    MOTIFS.get(category, _toys)(draw, colour, accent, variant)
    _drawn_mark(draw)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()
