"""Spreadsheet tools: styled XLSX reports from rows, CSV to XLSX and back (openpyxl)."""
