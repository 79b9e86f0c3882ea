"""QR codes as inline SVG (no image library, no network)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def qr_svg(data: str, *, box_size: int = 8) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=2)
    return image.to_string(encoding="unicode")
