"""Hostile inputs at the tools themselves: every failure is a sentence for people, every
deterministic parser failure is an input error (never retried), formula cells are escaped.

The files come from the hostile corpus generator (tests/hostile/corpus.py), built here."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from processors.errors import InvalidInputError, LimitExceededError, explain_failure
from processors.formats import kind
from processors.registry import get_tool
from tests.hostile.corpus import CASES, FORMULA_CELLS, Case, xlsx_of
from tests.unit.processors.conftest import RunTool

BY_NAME = {case.name: case for case in CASES}
# Words a person should never see in a job's error.
PROGRAMMER_WORDS = ("XML_PARSE_HUGE", "set_int_max_str_digits", "Traceback", "code=7", "lxml")


def _run(case: Case, tmp_path: Path) -> Path:
    source = tmp_path / "in" / case.filename.replace(":", "_").replace("|", "_")
    source.parent.mkdir(parents=True)
    case.build(source, "http://127.0.0.1:9")
    tool = get_tool(case.tool)
    assert tool is not None
    assert tool.match_input(source.name, source.read_bytes()[:8192]) is not None, case.name
    out = tmp_path / "out"
    out.mkdir()
    try:
        return tool.run([source], out, tool.parse_params(case.params), lambda p, s: None)
    except Exception as exc:  # what the runner does with what a tool raises
        explained = explain_failure(exc)
        if explained is None:
            raise
        raise explained from None


@pytest.mark.parametrize(
    "name",
    [
        "pdf-page-tree-loop",
        "json-depth-bomb",
        "json-number-bomb",
        "gpx-deep-nesting",
        "gpx-huge-text",
        "gpx-billion-laughs",
        "gpx-xxe",
        "csv-huge-field",
        "second-stream-16000",
        "mkv-40-min-no-duration",
    ],
)
def test_hostile_files_fail_as_input_errors_in_words(name: str, tmp_path: Path) -> None:
    case = BY_NAME[name]
    with pytest.raises(InvalidInputError) as caught:
        _run(case, tmp_path)
    assert caught.value.message[0].isupper()
    assert not any(word in caught.value.message for word in PROGRAMMER_WORDS), caught.value
    assert caught.value.message == caught.value.message.strip()

    assert re.search(case.message, caught.value.message), caught.value.message


def test_unexpected_parser_failures_are_explained() -> None:
    assert (
        "nested too deeply"
        in (explain_failure(RecursionError("x")) or InvalidInputError("")).message
    )
    digits = ValueError("Exceeds the limit (4300 digits) for integer string conversion")
    assert "4300 digits" in (explain_failure(digits) or InvalidInputError("")).message
    assert explain_failure(ValueError("something else")) is None
    assert explain_failure(OSError("disk full")) is None
    limit = LimitExceededError("too big")
    assert explain_failure(limit) is limit


def test_a_gpx_declaring_entities_is_still_recognised_as_gpx() -> None:
    head = b'<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY a "b">]>\n<gpx version="1.1">'
    assert kind("gpx").matches(head)


@pytest.mark.parametrize("text", ["[" * 3000 + "]" * 3000, '[{"a": ' + "9" * 5000 + "}]"])
def test_json_sniffing_leaves_deep_or_long_numbers_to_the_tool(text: str) -> None:
    assert kind("json").matches(text.encode())


def _csv_values(path: Path) -> list[str]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return [value for row in rows[1:] for value in row]


def test_formula_starts_are_escaped_and_numbers_untouched() -> None:
    from processors.csv_cells import escape_formula

    assert [escape_formula(v) for v in ("\rx", "-1", "a=b", -1, 2.5)] == [
        "'\rx",
        "'-1",
        "a=b",
        -1,
        2.5,
    ]


def test_xlsx_to_csv_escapes_formula_cells(tmp_path: Path, run_tool: RunTool) -> None:
    source = tmp_path / "formulas.xlsx"
    source.write_bytes(xlsx_of([["cell"], *[[c] for c in FORMULA_CELLS], ["plain"]]))
    output, _ = run_tool("csv-xlsx-converter", [source])
    assert _csv_values(output) == [f"'{c}" for c in FORMULA_CELLS] + ["plain"]
    raw, _ = run_tool("csv-xlsx-converter", [source], escapeFormulas=False)
    assert _csv_values(raw) == [*FORMULA_CELLS, "plain"]


def test_gpx_to_csv_escapes_formula_names(tmp_path: Path, run_tool: RunTool) -> None:
    source = tmp_path / "named.gpx"
    source.write_text(
        '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="1" lon="2"><name>=HYPERLINK("http://x.invalid")</name></wpt></gpx>'
    )
    output, _ = run_tool("gpx-to-geojson", [source], format="csv")
    assert "'=HYPERLINK" in output.read_text()
    raw, _ = run_tool("gpx-to-geojson", [source], format="csv", escapeFormulas=False)
    assert '"=HYPERLINK' in raw.read_text()


def test_probing_a_huge_frame_does_not_decode_it(tmp_path: Path) -> None:
    """FFmpeg's probe decodes a first frame of each stream: 768 MB for one 16000² PNG in a
    747 KB file, unless the decoders are told the pixel limit (`-max_pixels`)."""
    import subprocess
    import sys

    source = tmp_path / "two.avi"
    BY_NAME["second-stream-16000"].build(source, "")
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from processors.video.probe import probe\n"
        "try:\n"
        "    probe(Path(sys.argv[1]))\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(source)], capture_output=True, text=True, check=True
    )
    refused, ffmpeg_peak_mb = done.stdout.split()
    assert refused == "LimitExceededError"
    assert int(ffmpeg_peak_mb) < 200


def test_owner_password_pdfs_are_processed_and_user_password_pdfs_refused(
    tmp_path: Path,
) -> None:
    """As docs/tools-docs.md says: a password needed to open the file is refused; an owner
    password alone (permission flags) is not, since every reader opens such a file."""
    assert _run(BY_NAME["pdf-owner-password-only"], tmp_path / "a").read_text().strip()
    with pytest.raises(InvalidInputError, match="password"):
        _run(BY_NAME["pdf-user-password"], tmp_path / "b")
