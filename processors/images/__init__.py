"""Image tools: format conversion, compression, resizing, EXIF extraction (libvips + Pillow)."""
