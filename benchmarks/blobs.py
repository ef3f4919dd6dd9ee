"""Blob stores: put and get of a 100 KB and a 5 MB object, on the local file store and on S3
(moto's S3 server on loopback: the client's cost plus moto's, not a real S3's), through obstore
(what `S3BlobStore` uses) and through boto3 (the alternative, for the choice in ARCHITECTURE.md).

    python benchmarks/blobs.py [--rounds 30]

`put` writes bytes already in memory (a render), `put_file` moves a staged upload in (a rename on
the file store, an upload from the file on S3), `get` reads the whole object, `stream` reads it in
64 KB chunks. Median / p90 ms per call and MB/s at the median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pinrender_server.backends import FileBlobStore  # noqa: E402
from tests.server.shared_backends import REGION, MotoS3, s3_store  # noqa: E402

SIZES = {"100KB": 100 * 1024, "5MB": 5 * 2**20}


class Boto3Store:
    """The same calls through boto3 (the alternative to obstore), for comparison only."""

    def __init__(self, bucket: str) -> None:
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=MotoS3.endpoint, region_name=REGION,
                                   aws_access_key_id="testing", aws_secret_access_key="testing")

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def put_file(self, key: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, key)  # multipart above 8 MB, from the file
        path.unlink()

    def get(self, key: str) -> bytes:
        data: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return data

    def stream(self, key: str, chunk_size: int = 65536) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        return iter(body.iter_chunks(chunk_size))


def timed(call: Callable[[int], object], rounds: int) -> list[float]:
    times = []
    for i in range(rounds):
        t = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp())
    stores: dict[str, Any] = {"file": FileBlobStore(folder / "blobs"), "s3 (moto), obstore": s3_store(),
                              "s3 (moto), boto3": Boto3Store(MotoS3.new_bucket())}
    staging = folder / "staging"
    staging.mkdir()
    print(f"{args.rounds} calls per row; median / p90 ms, MB/s at the median\n")
    print("| store | size | put | put_file | get | stream |")
    print("|---|---|---|---|---|---|")
    try:
        for name, store in stores.items():
            for label, size in SIZES.items():
                data = os.urandom(size)

                def stage(i: int, data: bytes = data) -> Path:
                    path = staging / f".upload-{i}"
                    path.write_bytes(data)
                    return path

                files = [stage(i) for i in range(args.rounds)]  # staged before the clock starts
                cells = []
                for op in (
                    lambda i, d=data, s=store, label=label: s.put(f"bench/{label}/{i}", d),
                    lambda i, s=store, label=label, f=files: s.put_file(f"bench/{label}/file-{i}", f[i]),
                    lambda i, s=store, label=label: s.get(f"bench/{label}/{i}"),
                    lambda i, s=store, label=label: sum(1 for _ in s.stream(f"bench/{label}/{i}") or ()),
                ):
                    times = timed(op, args.rounds)
                    median = statistics.median(times)
                    p90 = sorted(times)[int(0.9 * len(times))]
                    cells.append(f"{median * 1e3:.2f} / {p90 * 1e3:.2f} ({size / median / 2**20:,.0f})")
                print(f"| {name} | {label} | " + " | ".join(cells) + " |")
    finally:
        MotoS3.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
