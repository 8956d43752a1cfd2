"""House rules of the package: thin Glue entry scripts that compile, and awsglue imported nowhere else."""

import ast
import py_compile
from pathlib import Path

import pytest

from lake_jobs.contracts import load_contracts

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = sorted((ROOT / "glue_entry").glob("*_job.py"))


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_there_is_one_entry_script_per_dataset_plus_curated_and_maintenance() -> None:
    expected = [*load_contracts().datasets, "curated", "maintenance"]
    assert [p.stem for p in ENTRIES] == sorted(f"{n}_job" for n in expected)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.name)
def test_entry_scripts_compile_and_stay_thin(entry: Path, tmp_path: Path) -> None:
    py_compile.compile(str(entry), cfile=str(tmp_path / "x.pyc"), doraise=True)
    assert "awsglue" in imported_modules(entry)
    assert len(entry.read_text().splitlines()) < 30


def test_no_module_but_the_entry_scripts_imports_awsglue() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted(ROOT.rglob("*.py"))
        if "glue_entry" not in p.parts and "awsglue" in imported_modules(p)
    ]
    assert offenders == []
