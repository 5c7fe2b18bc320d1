"""What the runner's zygote imports once, so a forked job starts with it already loaded.

The zygote is multiprocessing's fork server: a clean interpreter started by exec (never a
fork of the threaded host), which imports this module and then forks one child per job.
It must stay single-threaded, or a child could inherit a lock held by a thread that does
not exist in it. So it loads the catalog (pydantic, every tool module, Pillow) and
libvips' binding, and leaves out what starts threads on import: PyMuPDF (its layout module
loads onnxruntime) and numpy (OpenBLAS). Those load per job, in the child, as before.
Nothing here runs a libvips operation: that would start libvips' worker threads.
"""

from __future__ import annotations

import pyvips  # noqa: F401  (the binding and the library, loaded; no operation run)

from processors.registry import all_tools

all_tools()
