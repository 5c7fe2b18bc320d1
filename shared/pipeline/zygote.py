"""What the runner's zygote imports once, so a forked job starts with it already loaded.

The zygote is multiprocessing's fork server: a clean interpreter started by exec (never a
fork of the threaded host), which imports this module and then forks one child per job.
It must stay single-threaded, or a child could inherit a lock held by a thread that does
not exist in it. So it loads the catalog (pydantic, every tool module, Pillow) and
libvips' binding, and leaves out what starts threads on import: PyMuPDF (its layout module
loads onnxruntime) and numpy (OpenBLAS). Those load per job, in the child, as before.
Nothing here runs a libvips operation: that would start libvips' worker threads.

Import this module only in the zygote (the runner's preload list names it): it also stops
the zygote's children from re-running the host's main module. multiprocessing does that
in every child so that objects defined in `__main__` can be unpickled; the job's target
lives in `shared.pipeline.runner`, and the host's main module (devhost's worker, the
Functions Python worker) would cost every job its imports again (seconds on a busy host).
"""

from __future__ import annotations

from multiprocessing import spawn

import pyvips  # noqa: F401  (the binding and the library, loaded; no operation run)

from processors.registry import all_tools

all_tools()


def _leave_main_alone(_main: str) -> None:
    return None


spawn._fixup_main_from_name = _leave_main_alone  # type: ignore[attr-defined]
spawn._fixup_main_from_path = _leave_main_alone  # type: ignore[attr-defined]
