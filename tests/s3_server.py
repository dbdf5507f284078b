"""moto's standalone S3 server (a real HTTP server speaking the S3 API) on a loopback port,
in a process of its own, so the attachment tests run against a bucket as well as a folder."""

import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from tests.core.local_servers import closed_port

# moto accepts any credentials; these only keep boto3 from looking for real ones.
CREDENTIALS = {"S3_ACCESS_KEY": "parkops-test", "S3_SECRET_KEY": "parkops-test-secret"}


@contextmanager
def moto_s3_server(seconds: float = 60):
    """Yields the endpoint URL (``http://127.0.0.1:<port>``); stops the server after."""
    port = closed_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"moto_server exited with {server.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)
