"""Outputs are replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import files


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("the old report", encoding="utf-8")
    with pytest.raises(OSError, match="No space left"), files.replacing(target) as temporary:
        temporary.write_text("half a new rep", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert target.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_complete_write_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    files.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "sub" / "fresh.txt"
    files.write_text(fresh, "x")
    assert fresh.stat().st_mode & 0o077 != 0o077 and fresh.stat().st_mode & 0o600 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "sub"]


def test_a_directory_is_swapped_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "export"
    target.mkdir()
    (target / "posts.parquet").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), files.replacing(target, directory=True) as temporary:
        (temporary / "posts.parquet").write_text("new, half", encoding="utf-8")
        raise RuntimeError("killed")
    assert (target / "posts.parquet").read_text(encoding="utf-8") == "old"
    with files.replacing(target, directory=True) as temporary:
        (temporary / "posts.parquet").write_text("new", encoding="utf-8")
    assert (target / "posts.parquet").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]
