"""The ledger of raw files a dataset's job has processed (<state>/ledger/<dataset>.json locally).

A file is new when its key is not in the ledger or its size or modification time differ. The job records
files only AFTER its Iceberg commit: a run killed before that re-reads its files, and MERGE makes the
re-run harmless.

A run whose batch a critical dataset check blocked records its files with `held` set: they are not new
(the batch waits on its audit branch); `lake publish` clears the mark, `lake discard` forgets them so that
the next run reads them again.

A rollback marks the files of the loads it undid with `undone_by` (the rollback's run id): they stay
known, so they are not re-applied as new; reading them again (`--reprocess`) records them afresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lake_jobs.readers import RawFile
from lake_jobs.storage import Storage


@dataclass
class Ledger:
    path: str
    files: dict[str, dict] = field(default_factory=dict)

    @staticmethod
    def load(storage: Storage, path: str) -> Ledger:
        text = storage.read_text(path)
        doc = json.loads(text) if text else {}
        return Ledger(path, dict(doc.get("files", {})))

    def is_new(self, f: RawFile) -> bool:
        seen = self.files.get(f.key)
        return seen is None or seen.get("size") != f.size or seen.get("mtime_ms") != f.mtime_ms

    def new_files(self, files: list[RawFile]) -> list[RawFile]:
        return [f for f in files if self.is_new(f)]

    def has_run(self, run_id: str) -> bool:
        """Whether run `run_id` recorded files (it committed and finished its bookkeeping)."""
        return any(v.get("run_id") == run_id and not v.get("held") for v in self.files.values())

    def is_held(self, run_id: str) -> bool:
        """Whether run `run_id` holds files (its batch was blocked and is neither published nor discarded)."""
        return any(v.get("run_id") == run_id and v.get("held") for v in self.files.values())

    def held_runs(self) -> list[str]:
        return sorted({v["run_id"] for v in self.files.values() if v.get("held")})

    def hold(self, files: list[RawFile], run_id: str) -> None:
        """Records the files of a blocked run: known (not re-read as new), held for publish or discard."""
        self.record(files, run_id)
        for f in files:
            self.files[f.key]["held"] = True

    def publish_held(self, run_id: str) -> list[str]:
        """The held files of `run_id` become an ordinary load; returns their keys."""
        keys = sorted(k for k, v in self.files.items() if v.get("run_id") == run_id and v.get("held"))
        for k in keys:
            self.files[k].pop("held")
        return keys

    def release(self, run_id: str) -> list[str]:
        """Forgets the held files of `run_id` so that the next run reads them again; returns their keys."""
        keys = sorted(k for k, v in self.files.items() if v.get("run_id") == run_id and v.get("held"))
        for k in keys:
            del self.files[k]
        return keys

    def undone(self, files: list[RawFile]) -> list[RawFile]:
        """Files of `files` whose load a rollback undid."""
        return [f for f in files if not self.is_new(f) and self.files[f.key].get("undone_by")]

    def mark_undone(self, run_ids: set[str], by: str) -> list[str]:
        """Marks the files loaded by `run_ids` as undone by rollback run `by`; returns their keys."""
        keys = sorted(k for k, v in self.files.items() if v.get("run_id") in run_ids)
        for k in keys:
            self.files[k]["undone_by"] = by
        return keys

    def mark_redone(self, run_ids: set[str]) -> list[str]:
        """Clears the undone mark of the files loaded by `run_ids` (their load is current again)."""
        keys = sorted(k for k, v in self.files.items() if v.get("run_id") in run_ids and v.get("undone_by"))
        for k in keys:
            self.files[k].pop("undone_by", None)
        return keys

    def record(self, files: list[RawFile], run_id: str) -> None:
        for f in files:
            self.files[f.key] = {"size": f.size, "mtime_ms": f.mtime_ms, "run_id": run_id}

    def save(self, storage: Storage) -> None:
        storage.write_text(self.path, json.dumps({"files": self.files}, indent=1, sort_keys=True) + "\n")
