"""Pillow versus libvips on the image tools' real work, each engine in its own child process.

Input: a generated 24 MP (6000 x 4000) photo-like JPEG. Two tasks: shrink to 2048 px WebP
(what the converter/compressor do with max dimensions) and a full-size JPEG re-encode.
Time is the best of three runs inside the child; memory is the child's peak RSS
(VmHWM), interpreter and imports included, so every row pays the same overhead.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3

_CHILD = r"""
import json, sys, time
from pathlib import Path
engine_name, task, source, out = sys.argv[1:5]
src, out = Path(source), Path(out)

def pillow(draft):
    from PIL import Image, ImageOps
    with Image.open(src) as im:
        if draft and task == "webp":
            # JPEG DCT scaling, Pillow's own shrink-on-load, to no less than the final size.
            scale = 2048 / max(im.size)
            im.draft("RGB", (round(im.width * scale), round(im.height * scale)))
        im = ImageOps.exif_transpose(im)
        if task == "webp":
            im.thumbnail((2048, 2048), Image.Resampling.LANCZOS)
            im.save(out, "WEBP", quality=85)
        else:
            im.save(out, "JPEG", quality=85, optimize=True)

def vips():
    from processors.images import engine
    if task == "webp":
        image = engine.load(src, width=2048, height=2048)
        engine.save(image, out, "webp", quality=85)
    else:
        engine.save(engine.load(src), out, "jpeg", quality=85)

def imports_only():
    import pyvips
    from PIL import Image, ImageOps
    from processors.images import engine
    pyvips.Image.black(8, 8).avg()  # loads libvips itself, not only the binding

work = {"pillow": lambda: pillow(False), "pillow-draft": lambda: pillow(True), "libvips": vips}
best = float("inf")
if task == "baseline":
    work = {engine_name: imports_only}
    out.write_bytes(b"")
for _ in range(int(sys.argv[5])):
    started = time.perf_counter()
    work[engine_name]()
    best = min(best, time.perf_counter() - started)
from bench.memory import peak_rss_mb  # VmHWM: ru_maxrss would report the parent's peak
print(json.dumps({"seconds": best, "peak_mb": peak_rss_mb(), "bytes": out.stat().st_size}))
"""

TASKS = {"webp": "24 MP JPEG -> 2048 px WebP q85", "jpeg": "24 MP JPEG -> full-size JPEG q85"}
ENGINES = {"webp": ("pillow", "pillow-draft", "libvips"), "jpeg": ("pillow", "libvips")}


def _make_photo(path: Path) -> None:
    """Blobs at several scales plus grain: compresses like a photo, unlike flat colour or noise."""
    from PIL import Image

    size = (6000, 4000)
    channels = []
    for _ in range(3):
        coarse = Image.effect_noise((60, 40), 90).resize(size, Image.Resampling.BICUBIC)
        medium = Image.effect_noise((600, 400), 60).resize(size, Image.Resampling.BICUBIC)
        channels.append(Image.blend(coarse, medium, 0.4))
    grain = Image.effect_noise(size, 30).convert("RGB")
    Image.blend(Image.merge("RGB", channels), grain, 0.15).save(path, quality=92)


def _measure(engine: str, task: str, source: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, engine, task, str(source), str(out), str(REPEATS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> str:
    lines = [
        "## Images: Pillow vs libvips",
        "",
        "Each engine runs in its own child process on the same generated 24 MP JPEG; time is "
        f"the best of {REPEATS}, memory the child's peak RSS (interpreter included). "
        "`libvips` is `processors/images/engine.py`, what the image tools run.",
        "",
        "| task | engine | time (s) | peak RSS (MB) | output (KB) | time vs Pillow "
        "| memory vs Pillow |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "photo-24mp.jpg"
        _make_photo(source)
        for task, title in TASKS.items():
            base: dict[str, float] | None = None
            for engine in ENGINES[task]:
                figures = _measure(engine, task, source, Path(tmp) / f"out-{engine}.{task}")
                base = base or figures
                time_ratio = figures["seconds"] / base["seconds"]
                memory_ratio = figures["peak_mb"] / base["peak_mb"]
                lines.append(
                    f"| {title} | {engine} | {figures['seconds']:.2f} | {figures['peak_mb']:.0f} "
                    f"| {figures['bytes'] / 1024:.0f} | {time_ratio:.2f}x | {memory_ratio:.2f}x |"
                )
        baseline = _measure("libvips", "baseline", source, Path(tmp) / "none")
    lines += [
        "",
        f"Peak RSS of a child that only imports Pillow, pyvips and loads libvips: "
        f"{baseline['peak_mb']:.0f} MB (part of every row above).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
