"""File I/O of the zones: plain files for a local lake home, Hadoop FileSystem (S3 on Glue) for URIs.

Only listings and small text files (ledgers, reports) go through here; data is read and written by Spark.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from typing import Protocol

from pyspark.sql import SparkSession

from lake_jobs.readers import RawFile


def _visible(name: str) -> bool:
    return not (name.startswith(".") or name.startswith("_"))


class Storage(Protocol):
    def list_files(self, root: str, prefix: str) -> list[RawFile]:
        """Files under `root/prefix`, recursively, sorted by key; hidden (`.`/`_`) names skipped."""
        ...

    def read_text(self, path: str) -> str | None:
        """Text of `path`, or None when it does not exist."""
        ...

    def write_text(self, path: str, text: str) -> None:
        """Writes `path` (parents created) so that readers see the old or the new text, never a half."""
        ...

    def delete(self, path: str) -> None:
        """Removes the file `path`; no error when it is already gone."""
        ...

    def list_dirs(self, path: str) -> list[str]:
        """Names of the folders directly under `path` (none when it does not exist)."""
        ...

    def move_dir(self, src: str, dst: str) -> None:
        """Moves folder `src` to `dst` (whose parent is created; `dst` must not exist)."""
        ...

    def remove_dir(self, path: str) -> None:
        """Removes folder `path` and everything in it (nothing when it does not exist)."""
        ...


class LocalStorage:
    def list_files(self, root: str, prefix: str) -> list[RawFile]:
        base = os.path.join(root, prefix)
        found: list[RawFile] = []
        for folder, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if _visible(d))
            for name in names:
                if not _visible(name):
                    continue
                path = os.path.join(folder, name)
                st = os.stat(path)
                key = os.path.relpath(path, root).replace(os.sep, "/")
                found.append(RawFile(key=key, path=path, size=st.st_size, mtime_ms=int(st.st_mtime * 1000)))
        return sorted(found, key=lambda f: f.key)

    def read_text(self, path: str) -> str | None:
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def write_text(self, path: str, text: str) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)

    def delete(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)

    def list_dirs(self, path: str) -> list[str]:
        if not os.path.isdir(path):
            return []
        return sorted(e.name for e in os.scandir(path) if e.is_dir())

    def move_dir(self, src: str, dst: str) -> None:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.rename(src, dst)

    def remove_dir(self, path: str) -> None:
        shutil.rmtree(path, ignore_errors=True)


class HadoopStorage:
    """Zones given as URIs (s3://...), through the JVM's Hadoop FileSystem of the Spark session."""

    def __init__(self, spark: SparkSession) -> None:
        self._jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]

    def _path(self, uri: str):
        path = self._jvm.org.apache.hadoop.fs.Path(uri)
        return path, path.getFileSystem(self._conf)

    def list_files(self, root: str, prefix: str) -> list[RawFile]:
        root_path, fs = self._path(root.rstrip("/"))
        root_uri = fs.makeQualified(root_path).toString().rstrip("/")
        base, _ = self._path(f"{root_uri}/{prefix}")
        if not fs.exists(base):
            return []
        found: list[RawFile] = []
        it = fs.listFiles(base, True)
        while it.hasNext():
            status = it.next()
            uri = status.getPath().toString()
            key = uri[len(root_uri) + 1 :]
            if all(_visible(part) for part in key.split("/")):
                found.append(RawFile(key, uri, int(status.getLen()), int(status.getModificationTime())))
        return sorted(found, key=lambda f: f.key)

    def read_text(self, path: str) -> str | None:
        p, fs = self._path(path)
        if not fs.exists(p):
            return None
        stream = fs.open(p)
        try:
            data = self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream)
        finally:
            stream.close()
        return bytes(data).decode("utf-8")

    def write_text(self, path: str, text: str) -> None:
        p, fs = self._path(path)
        out = fs.create(p, True)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()

    def delete(self, path: str) -> None:
        p, fs = self._path(path)
        fs.delete(p, False)

    def list_dirs(self, path: str) -> list[str]:
        p, fs = self._path(path)
        if not fs.exists(p):
            return []
        return sorted(s.getPath().getName() for s in fs.listStatus(p) if s.isDirectory())

    def move_dir(self, src: str, dst: str) -> None:
        s, fs = self._path(src)
        d, _ = self._path(dst)
        fs.mkdirs(d.getParent())
        if not fs.rename(s, d):
            raise OSError(f"cannot move {src} to {dst}")

    def remove_dir(self, path: str) -> None:
        p, fs = self._path(path)
        if fs.exists(p):
            fs.delete(p, True)


def storage_for(spark: SparkSession, root: str) -> Storage:
    return HadoopStorage(spark) if "://" in root else LocalStorage()
