"""GPX tools: analyse, convert, merge and retime GPS tracks (gpxpy, parsed through defusedxml)."""
