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

__all__ = ["TextLine", "recognise"]

logger = logging.getLogger(__name__)

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
            _engine = RapidOCR()
        return _engine


def recognise(image_bgr: np.ndarray, *, scale: float = 1.0) -> list[TextLine]:
    """The text lines in `image_bgr` (height, width, 3 channels in BGR order), top to bottom.

    `scale` maps box coordinates back to the caller's image when it was shrunk first.
    """
    result, _ = _get_engine()(image_bgr)
    lines = []
    for box, text, confidence in result or []:
        corners = [[round(float(x) / scale, 1), round(float(y) / scale, 1)] for x, y in box]
        lines.append(TextLine(str(text), round(float(confidence), 4), corners))
    return lines
