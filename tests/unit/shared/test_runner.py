"""The child-process runner: outcomes, timeout and crashes map to the right errors."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import psutil
import pytest

from shared.errors import PermanentError, TransientError
from shared.pipeline.runner import run_tool

pytestmark = pytest.mark.usefixtures("fake_tools")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "in.bin"
    path.write_bytes(bytes(range(256)) * 10)
    return path


def test_runs_a_real_tool_and_relays_progress(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    seen: list[tuple[float, str]] = []
    output = run_tool(
        "base64-codec", [sample], out, {}, timeout=30, on_progress=lambda p, s: seen.append((p, s))
    )
    assert base64.b64decode(output.read_bytes()) == sample.read_bytes()
    assert seen and seen[-1] == (100.0, "Encoding")


def test_invalid_input_is_permanent(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="not to my taste") as error:
        run_tool("test-picky", [sample], tmp_path, {}, timeout=30)
    assert error.value.code == "invalid_input"


def test_timeout_kills_the_child(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="timed out after 1 s") as error:
        run_tool("test-sleepy", [sample], tmp_path, {}, timeout=1)
    assert error.value.code == "timed_out"


def test_a_tool_giving_up_on_time_is_permanent(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="longer than 5 seconds") as error:
        run_tool("test-watchdog", [sample], tmp_path, {}, timeout=30)
    assert error.value.code == "timed_out"


def test_a_tool_over_the_memory_limit_is_stopped_with_its_children(
    sample: Path, tmp_path: Path
) -> None:

    with pytest.raises(PermanentError, match="more than 400 MB of memory") as error:
        run_tool("test-hungry", [sample], tmp_path, {}, timeout=60, memory_limit_mb=400)
    assert error.value.code == "memory_limit"
    helper = int((tmp_path / "helper.pid").read_text())
    assert _gone(helper)


def test_memory_of_a_process_the_tool_starts_later_counts(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="more than 400 MB of memory") as error:
        run_tool("test-hungry-grandchild", [sample], tmp_path, {}, timeout=60, memory_limit_mb=400)
    assert error.value.code == "memory_limit"
    assert _gone(int((tmp_path / "helper.pid").read_text()))


def test_a_crash_is_transient(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(TransientError, match="exited with code 3"):
        run_tool("test-crash", [sample], tmp_path, {}, timeout=30)


def test_an_unexpected_exception_is_transient(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(TransientError, match="disk on fire"):
        run_tool("test-broken", [sample], tmp_path, {}, timeout=30)


def test_bad_parameters_are_permanent(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="Mode must be encode or decode"):
        run_tool("base64-codec", [sample], tmp_path, {"mode": "sideways"}, timeout=30)


def test_base64_decode_accepts_wrapped_lines_and_refuses_garbage(tmp_path: Path) -> None:
    payload = b"%PDF-1.4\n" + bytes(range(256)) * 40
    wrapped = base64.encodebytes(payload)  # 76-character lines
    source = tmp_path / "doc.b64"
    source.write_bytes(wrapped)
    out = tmp_path / "out"
    out.mkdir()
    decoded = run_tool("base64-codec", [source], out, {"mode": "decode"}, timeout=30)
    assert decoded.name == "doc.pdf" and decoded.read_bytes() == payload
    source.write_bytes(b"this is *not* base64!")
    with pytest.raises(PermanentError, match="not base64"):
        run_tool("base64-codec", [source], out, {"mode": "decode"}, timeout=30)


def test_a_deterministic_parser_failure_is_permanent_with_a_sentence(tmp_path: Path) -> None:
    """A PDF whose page tree loops makes MuPDF raise its own error type: retrying cannot
    help, so the job fails at once in words instead of after five attempts."""
    from tests.hostile.corpus import CASES

    loop = next(c for c in CASES if c.name == "pdf-page-tree-loop")
    source = tmp_path / "loop.pdf"
    loop.build(source, "")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(PermanentError, match="damaged") as caught:
        run_tool("pdf-to-text", [source], out, {}, timeout=60)
    assert caught.value.code == "invalid_input"


def _zygote() -> psutil.Process:
    """The fork server this process started: the one child whose command line names it."""
    servers = [
        child for child in psutil.Process().children() if "forkserver" in " ".join(child.cmdline())
    ]
    assert len(servers) == 1, servers
    return servers[0]


def _gone(pid: int, within: float = 5.0) -> bool:
    """The process has ended (or is a zombie) within `within` seconds: a process killed
    while holding much memory takes a moment to release it and exit."""
    deadline = time.monotonic() + within
    while True:
        try:
            if psutil.Process(pid).status() == "zombie":
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_each_job_runs_in_a_fresh_process_forked_from_one_warm_zygote(
    sample: Path, tmp_path: Path
) -> None:
    outputs = [tmp_path / "a", tmp_path / "b"]
    for out in outputs:
        out.mkdir()
        run_tool("base64-codec", [sample], out, {}, timeout=30)
    zygote = _zygote()
    assert zygote.num_threads() == 1  # forking a threaded process could copy a held lock
    with pytest.raises(TransientError, match="exited with code 3"):
        run_tool("test-crash", [sample], tmp_path, {}, timeout=30)
    assert _zygote().pid == zygote.pid  # the crash took down its own process only
    run_tool("base64-codec", [sample], outputs[0], {}, timeout=30)


def test_timeout_kills_the_whole_tree(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="timed out after 1 s"):
        run_tool("test-forking-sleeper", [sample], tmp_path, {}, timeout=1)
    assert _gone(int((tmp_path / "helper.pid").read_text()))


def test_a_dead_zygote_is_replaced_by_the_next_job(sample: Path, tmp_path: Path) -> None:
    run_tool("base64-codec", [sample], tmp_path, {}, timeout=30)
    dead = _zygote()
    dead.kill()
    while dead.status() != psutil.STATUS_ZOMBIE:  # not reaped here: the runner notices it
        time.sleep(0.05)
    out = tmp_path / "after"
    out.mkdir()
    output = run_tool("base64-codec", [sample], out, {}, timeout=30)
    assert base64.b64decode(output.read_bytes()) == sample.read_bytes()
    assert _zygote().pid != dead.pid


def test_a_job_does_not_import_the_hosts_main_module_again(tmp_path: Path) -> None:
    """A host started as `python -m module` (devhost's worker, the Functions worker) would
    otherwise pay its own imports once more in every job process."""
    import os
    import subprocess
    import sys

    (tmp_path / "host_main.py").write_text(
        "import os, sys\n"
        "print('imported as', __name__, flush=True)\n"
        "if __name__ == '__main__':\n"
        "    from pathlib import Path\n"
        "    from shared.pipeline.runner import run_tool\n"
        "    source = Path(sys.argv[1], 'in.bin')\n"
        "    source.write_bytes(b'abc')\n"
        "    for _ in range(2):\n"
        "        run_tool('base64-codec', [source], Path(sys.argv[1]), {}, timeout=60)\n"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(root)])}
    done = subprocess.run(
        [sys.executable, "-m", "host_main", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.splitlines() == ["imported as __main__"]
