"""The tool catalog: pure file-in/file-out tools, one module each. No Azure imports here."""
