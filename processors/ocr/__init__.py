"""OCR: text, boxes and confidence from images and PDF pages (RapidOCR, models in the wheel)."""
