"""What the end-to-end tests share: running ``govmon`` as a user does, in a process of its own."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path


async def govmon(*args: str, data_dir: Path, timeout_s: float = 120) -> tuple[int, str, str]:
    """``python -m monitor ARGS`` with only ``GOVMON_DATA_DIR`` of the GOVMON_* environment (a developer's own
    settings must not leak into a test): exit status, stdout, stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(data_dir)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout_s)
    return process.returncode or 0, out.decode(), err.decode()
