"""The installation under test: built with the real commands, served by ``parkops serve``."""

import os
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
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


@dataclass
class Worker:
    """One ``parkops serve`` process of the bench deployment."""

    port: int
    pid: int


def _start(command: list[str], settings: dict[str, str], log: Path, stack: ExitStack):
    output = stack.enter_context(log.open("w"))
    # Its own session, as each worker is its own service in production: Linux's autogroup
    # scheduling gives a session one share of the CPU, so N workers in the bench's own
    # session would split one share between them (and with the client threads).
    process = subprocess.Popen(
        command,
        env={**os.environ, **settings},
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.callback(_stop, process)
    return process


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(settings: dict[str, str], threads: int, log: Path, workers: int = 1):
    """``workers`` ``parkops serve`` processes, each on a free loopback port, with the
    scheduler off in them; with more than one, also the one ``parkops scheduler`` of such
    a deployment. Yields the workers; stops every process after. Logs go to ``log``
    (``server.log``), ``server-2.log`` … and ``scheduler.log`` beside it."""
    settings = {**settings, "PARKOPS_SCHEDULER_IN_SERVE": "false"}
    with ExitStack() as stack:
        started = []
        for number in range(1, workers + 1):
            port = free_port()
            named = log if number == 1 else log.with_name(f"{log.stem}-{number}{log.suffix}")
            command = [*PARKOPS, "serve", "--host", "127.0.0.1", "--port", str(port)]
            command += ["--threads", str(threads)]
            started.append((port, _start(command, settings, named, stack), named))
        if workers > 1:
            _start([*PARKOPS, "scheduler"], settings, log.with_name("scheduler.log"), stack)
        for port, process, named in started:  # they start side by side, then each is awaited
            _wait_until_up(process, port, named)
        yield [Worker(port, process.pid) for port, process, _named in started]


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
