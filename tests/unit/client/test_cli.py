"""The CLI without a server: arguments, help, where outputs go, exit codes it decides itself."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import pytest

from client.cli import main
from client.errors import OutputExistsError
from client.output import check_target, parse_destination
from client.parser import build_parser, parse_param


def test_an_output_ending_in_a_slash_is_a_directory_created_on_demand(tmp_path: Path) -> None:
    target = parse_destination(f"{tmp_path}/new/out/")
    assert target.directory and target.path is not None and target.path.is_dir()
    assert target.target("photo.webp") == tmp_path / "new" / "out" / "photo.webp"


def test_an_existing_directory_is_a_directory(tmp_path: Path) -> None:
    assert parse_destination(str(tmp_path)).directory


def test_an_output_without_a_slash_is_a_file_name(tmp_path: Path) -> None:
    target = parse_destination(f"{tmp_path}/result.webp")
    assert not target.directory and target.target("ignored.png") == tmp_path / "result.webp"
    assert not (tmp_path / "result.webp").exists()


def test_a_dash_is_stdout() -> None:
    target = parse_destination("-")
    assert target.stdout and target.target("x.png") is None


def test_an_output_never_replaces_an_input_or_a_file_unless_forced(tmp_path: Path) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"input")
    with pytest.raises(OutputExistsError, match="one of the input files"):
        check_target(tmp_path / "." / "photo.jpg", [source])
    other = tmp_path / "other.png"
    other.write_bytes(b"x")
    with pytest.raises(OutputExistsError, match=r"already exists.*--force"):
        check_target(other, [source])
    check_target(other, [source], force=True)
    check_target(source, [source], force=True)
    check_target(tmp_path / "new.png", [source])  # a new name is fine


def test_convert_refuses_to_overwrite_before_contacting_anyone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"input")
    code = main(
        ["--api-url", "http://127.0.0.1:9/api", "--api-key", "k", "convert", str(source),
         "--tool", "image-compressor", "-o", str(source)]
    )  # fmt: skip
    assert code == 2
    assert "one of the input files" in capsys.readouterr().err
    assert source.read_bytes() == b"input"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [["tools"], ["history"], ["status", "abc"]])
def test_an_unreachable_service_exits_3(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_free_port()}/api"  # nothing listens there
    assert main(["--api-url", url, "--api-key", "k", *command]) == 3
    assert "cannot reach" in capsys.readouterr().err


def test_a_missing_key_and_a_missing_file_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MAGICTOOLBOX_API_KEY", raising=False)
    assert main(["tools"]) == 2
    assert "no API key" in capsys.readouterr().err
    missing = str(tmp_path / "nope.jpg")
    assert main(["--api-key", "k", "convert", missing, "--tool", "image-compressor"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["--api-key", "k", "convert"]) == 2  # argparse: --tool is required


def test_each_needs_files_and_a_directory_for_several_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = []
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name).write_bytes(b"input")
        sources.append(str(tmp_path / name))
    offline = ["--api-url", f"http://127.0.0.1:{_free_port()}/api", "--api-key", "k", "convert"]
    each = [*offline, "--each", "-t", "image-compressor"]
    assert main([*each, *sources, "-o", str(tmp_path / "out.webp")]) == 2
    assert "-o must be a directory" in capsys.readouterr().err
    assert main([*each, *sources, "-o", "-"]) == 2
    assert "cannot write several results to stdout" in capsys.readouterr().err
    assert main(each) == 2
    assert "name at least one file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg", "b.jpg"]


@pytest.mark.parametrize("jobs", ["0", "17", "two"])
def test_jobs_is_a_count_from_1_to_16(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--api-key", "k", "convert", "x.jpg", "-t", "t", "--each", "-j", jobs]) == 2
    assert "expected a whole number from 1 to 16" in capsys.readouterr().err


def test_an_unreachable_service_stops_a_batch_with_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = []
    for index in range(5):
        (tmp_path / f"{index}.jpg").write_bytes(b"input")
        sources.append(str(tmp_path / f"{index}.jpg"))
    url = f"http://127.0.0.1:{_free_port()}/api"
    code = main(["--api-url", url, "--api-key", "k", "convert", "--each", *sources,
                 "-t", "image-compressor", "-j", "2", "--no-progress"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 3 and err.count("cannot reach") == 1
    assert err.strip().endswith("0 of 5 completed, 2 failed, 3 not run")


def test_global_options_work_after_the_command_too() -> None:
    args = build_parser().parse_args(["--api-key", "a", "status", "ID", "--json", "--api-key", "b"])
    assert args.json and args.api_key == "b"
    args = build_parser().parse_args(["--json", "--api-key", "a", "history"])
    assert args.json and args.api_key == "a"


def _every_parser(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(_every_parser(sub))
    return found


def test_every_option_and_command_has_help_text() -> None:
    for parser in _every_parser(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                assert all(c.help for c in action._choices_actions), parser.prog
                continue
            assert action.help and action.help != argparse.SUPPRESS, (parser.prog, action.dest)


def test_help_names_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: magictoolbox")
    assert "3 the service cannot be reached" in out


def test_params_are_json_when_they_parse() -> None:
    assert parse_param("quality=80") == ("quality", 80)
    assert parse_param("keepMetadata=true") == ("keepMetadata", True)
    assert parse_param("fromUnit=km/h") == ("fromUnit", "km/h")
    with pytest.raises(argparse.ArgumentTypeError, match="NAME=VALUE"):
        parse_param("quality")


class _Throttling:
    """A local API that answers 429 with `retry_after` to its first `limited` requests."""

    def __init__(self, limited: int, retry_after: str) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests = 0
        rig, first = self, limited

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                rig.requests += 1
                throttled = rig.requests <= first
                body = (
                    {"error": "Too many requests", "details": None, "code": "rate_limited"}
                    if throttled
                    else {"count": 0, "results": []}
                )
                data = json.dumps(body).encode()
                self.send_response(429 if throttled else 200)
                if throttled:
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("limited", "retry_after", "code", "requests", "said"),
    [
        (1, "0", 0, 2, ""),  # waited once, then answered
        (5, "1", 3, 2, "try again in 1 s"),  # waited once, still limited: try later
        (5, "3600", 3, 1, "try again in 3600 s"),  # too long to wait: try later at once
    ],
    ids=["once", "twice", "long"],
)
def test_a_rate_limited_call_waits_once_then_exits_3(
    capsys: pytest.CaptureFixture[str],
    limited: int,
    retry_after: str,
    code: int,
    requests: int,
    said: str,
) -> None:
    api = _Throttling(limited, retry_after)
    try:
        assert main(["--api-url", api.url, "--api-key", "k", "history"]) == code
    finally:
        api.close()
    assert api.requests == requests
    assert said in capsys.readouterr().err


def test_the_processing_bar_shows_percent_and_the_step_not_a_rate() -> None:
    import io

    from tqdm import tqdm

    from client.cli import PERCENT_BAR

    shown = io.StringIO()
    bar = tqdm(total=100, desc="process", bar_format=PERCENT_BAR, file=shown, ncols=80)
    bar.set_postfix_str("Encoding")
    bar.update(37)
    bar.close()
    line = shown.getvalue().split("\r")[-1]
    assert line.startswith("process:  37%|") and line.rstrip().endswith(", Encoding")
    assert "/s" not in line
