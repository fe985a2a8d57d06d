"""Helpers of the browser tests: step screenshots, generated photos, and the citizen's submit form."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page

REFERENCE = re.compile(r"^WN-\d{4}-\d{6}$")
TRACKING_CODE = re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")
SUBJECT = "Taka hazijakusanywa kwa wiki tatu"
DESCRIPTION = "Gari la taka halijafika mtaa wetu wa Kisasa tangu mwezi uliopita; harufu ni mbaya na watoto wanaugua."
PLACE = "Mtaa wa Kisasa, Kata ya Nzuguni"


class Camera:
    """Numbered full-page screenshots of one test's steps."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def shoot(self, page: Page, step: str) -> Path:
        """Save a screenshot of the page as NN-step.png."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path


def png_bytes(width: int = 16, height: int = 12) -> bytes:
    """A valid RGB PNG image: a simple colour gradient."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 15 % 256, y * 20 % 256, 120)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def phone_photo(width: int, height: int, quality: int) -> bytes:
    """A JPEG with a phone photo's size and detail (a gradient, sensor-like noise and a fractal)."""
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 24)
    detail = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 1.0, 1.2), 60)
    output = io.BytesIO()
    Image.merge("RGB", (gradient, Image.blend(noise, gradient, 0.5), detail)).save(output, "JPEG", quality=quality)
    return output.getvalue()


def fill_submission(page: Page, photo: Path | None, *, subject: str = SUBJECT) -> None:
    """Fill the submit form as the citizen of the journey: a complaint about waste collection in Dodoma."""
    page.locator("input[name='type'][value='complaint']").check()
    page.locator("#category").select_option("usafi-taka")
    page.locator("#district").select_option("dodoma-jiji")
    page.locator("#place").fill(PLACE)
    page.locator("#subject").fill(subject)
    page.locator("#description").fill(DESCRIPTION)
    if photo is not None:
        page.locator("#attachments").set_input_files(photo)
    page.locator("input[name='identity'][value='named']").check()
    page.locator("#name").fill("Asha Juma")
    page.locator("#phone").fill("0712 345 678")


def press_submit(page: Page) -> None:
    """Send the page's (first) form with its main button."""
    page.locator("main form button.button[type='submit']").first.click()


def read_receipt(page: Page) -> tuple[str, str]:
    """The reference number and tracking code a confirmation page shows, checked for shape."""
    reference = page.locator("#reference").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    assert REFERENCE.match(reference), f"reference {reference!r} is not WN-YYYY-NNNNNN"
    assert TRACKING_CODE.match(code), f"tracking code {code!r} is not XXXXX-XXXXX"
    return reference, code


# The ids used more than once on the page: axe-core no longer reports them, and a label pointing at a repeated id
# names only the first control.
DUPLICATE_IDS = """() => {
    const seen = {};
    document.querySelectorAll("[id]").forEach((element) => { seen[element.id] = (seen[element.id] || 0) + 1; });
    return Object.keys(seen).filter((id) => seen[id] > 1);
}"""


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Every axe-core violation on the page as it is now, whatever its impact, and any id used twice."""
    results = Axe().run(page, options={"resultTypes": ["violations"]}).response
    assert results["testEngine"]["name"] == "axe-core"
    found: list[dict[str, object]] = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
    ]
    repeated = page.evaluate(DUPLICATE_IDS)
    if repeated:
        found.append({"id": "duplicate-id", "targets": repeated})
    return found
