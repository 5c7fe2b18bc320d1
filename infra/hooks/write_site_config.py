"""azd prepackage hook for the site: write static_site/dist/config.json with the API URL.

The site reads {"apiBaseUrl": "..."} at run time, so one build serves any deployment.
Builds the site first when dist/ is missing. Reads SERVICE_API_URI (a main.bicep output).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "static_site" / "dist"


def site_config(api_uri: str) -> dict[str, str]:
    return {"apiBaseUrl": f"{api_uri.rstrip('/')}/api"}


def main(environ: Mapping[str, str] = os.environ, dist: Path = DIST) -> int:
    api_uri = environ.get("SERVICE_API_URI", "")
    if not api_uri:
        raise SystemExit("write_site_config: SERVICE_API_URI is not set (run `azd provision`)")
    if not (dist / "index.html").exists():
        npm = shutil.which("npm") or "npm"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
        subprocess.run([npm, "run", "build"], cwd=ROOT, check=True)
    (dist / "config.json").write_text(json.dumps(site_config(api_uri)) + "\n", encoding="utf-8")
    print(f"write_site_config: {dist / 'config.json'} -> {site_config(api_uri)['apiBaseUrl']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
