"""The OCR engine: RapidOCR (ONNX Runtime, models inside the wheel), loaded once per process.

Loading takes about half a second and ~100 MB, so the engine is built on first use and
kept; worker processes that never run OCR never pay for it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MAX_SIDE", "TextLine", "recognise"]

logger = logging.getLogger(__name__)

MAX_SIDE = 3000
"""The longest side the engine analyses. RapidOCR shrinks larger images to its own
`max_side_len` (2000 by default) and then recognises crops of the shrunk image, which runs
words together and misses lines of ordinary print on a 24 MP scan; callers shrink to this
size themselves (and map boxes back), and the engine keeps what it is given."""

_engine: Any = None
_lock = threading.Lock()


@dataclass(frozen=True)
class TextLine:
    text: str
    confidence: float
    box: list[list[float]]
    """Four corners, clockwise from top-left, in pixels of the analysed image."""


def _get_engine() -> Any:
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            logger.info("loading the OCR models")
            _engine = RapidOCR(max_side_len=MAX_SIDE)
        return _engine


def recognise(
    image_bgr: np.ndarray, *, scale: float = 1.0, upside_down: bool = False
) -> list[TextLine]:
    """The text lines in `image_bgr` (height, width, 3 channels in BGR order), top to bottom.

    `scale` maps box coordinates back to the caller's image when it was shrunk first.
    `upside_down` runs the line-orientation classifier, which turns lines printed upside
    down, but also turns some upright lines of plain print and loses them; so it is opt-in.
    """
    result, _ = _get_engine()(image_bgr, use_cls=upside_down)
    lines = []
    for box, text, confidence in result or []:
        corners = [[round(float(x) / scale, 1), round(float(y) / scale, 1)] for x, y in box]
        lines.append(TextLine(str(text), round(float(confidence), 4), corners))
    return lines
