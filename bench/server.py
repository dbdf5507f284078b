"""The installation under test: built with the real commands, served by ``parkops serve``."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.load import fetch

PARKOPS = [sys.executable, "-c", "from parkops.console import main; main()"]


def environment(instance: Path, database_url: str | None, modules: list[str]) -> dict[str, str]:
    """The PARKOPS_* settings of the bench installation, as an operator would set them."""
    settings = {
        "PARKOPS_INSTANCE_PATH": str(instance),
        "PARKOPS_MODULES": ",".join(modules),
        # The scheduler would wake up mid-run and compete for the same two cores.
        "PARKOPS_SCHEDULER_IN_SERVE": "false",
    }
    if database_url:
        settings["PARKOPS_DATABASE_URL"] = database_url
    return settings


def parkops(args: list[str], settings: dict[str, str]) -> str:
    done = subprocess.run(
        [*PARKOPS, *args],
        env={**os.environ, **settings},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"parkops {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def resident_kib(pid: int) -> int | None:
    """The process's resident memory (VmRSS, KiB); None where /proc does not tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@contextmanager
def serving(settings: dict[str, str], threads: int, log: Path):
    """``parkops serve`` on a free loopback port; yields (port, the server's pid), stops
    the server after."""
    port = free_port()
    command = [*PARKOPS, "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--threads", str(threads)]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, env={**os.environ, **settings}, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(server, port, log)
            yield port, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(server: subprocess.Popen, port: int, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"parkops serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            if fetch(port, "/healthz", None).status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"parkops serve did not answer within {seconds:.0f} s:\n{log.read_text()}")
