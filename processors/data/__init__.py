"""Small data tools: base64 encode/decode, unit conversion."""
