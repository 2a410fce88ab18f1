"""Real image bytes for upload tests: uploads are decoded (core.files.clean_image), so a
file that only starts like a PNG is refused, as it should be."""

import io

from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(out, fmt)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
