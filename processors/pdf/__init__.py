"""PDF tools: convert, render, extract, merge, split and assemble PDF documents (PyMuPDF)."""
