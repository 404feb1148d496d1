"""The library the command line is a thin layer over: one error family with hints, judging
at another instant as a parameter, one timestamp reading, panels, and CLI modules without SQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from benchmarks import errors, queries
from benchmarks.export import ExportKeyError, ExportOutOfMemory, ExportTargetNotEmpty
from benchmarks.instants import parse_instant
from benchmarks.panel import load_panel
from crawler.cli.errors import ConfigProblem, as_click
from crawler.har import HarError
from reports.pdf import PdfError
from tests.conftest import ROOT
from tests.test_report import AS_OF, build_dataset


@pytest.mark.parametrize("kind", [
    errors.ConfigError, errors.SchemaOutOfDate, errors.NoDataset, errors.NoCrawlYet,
    errors.DatasetBusy, errors.ImportFormatError, errors.ImportFailed, errors.UnknownBrand,
    errors.InvalidMemoryLimit, errors.QueryFailed, errors.MixedXSources, ExportKeyError,
    ExportTargetNotEmpty, ExportOutOfMemory, HarError, PdfError])
def test_every_library_error_joins_one_family(kind: type[Exception]) -> None:
    assert issubclass(kind, errors.ReplyauditError)


def test_errors_become_messages_and_exit_codes_in_one_place() -> None:
    busy = as_click(errors.DatasetBusy(Path("a.duckdb"), "42", 3.0))
    assert busy.exit_code == 1 and busy.message == (
        "a.duckdb is being written by process 42 (waited 3 s): a crawl, benchmark run or import "
        "is still going on. Nothing was changed. Try again when it has finished, or pass --wait "
        "SECONDS to wait for it.")
    usage = as_click(errors.ConfigError("a.toml", "audit.sla_minutes", "a positive integer"))
    assert isinstance(usage, ConfigProblem) and usage.exit_code == 2
    assert as_click(errors.NoDataset("a.duckdb", "a.toml")).message == (
        "a.duckdb does not exist yet. Run: replyaudit crawl a.toml")
    assert as_click(errors.NoCrawlYet("none"), no_crawl="say this").message == "say this"
    bad = as_click(errors.UnknownBrand("nobody"), options={errors.UnknownBrand: "--client"})
    assert isinstance(bad, click.BadParameter) and "--client" in bad.format_message()


def test_brand_metrics_judge_at_as_of_for_that_call_only(tmp_path: Path) -> None:
    con, _ = build_dataset(tmp_path / "audit.duckdb")
    try:
        def acme(found: list[dict[str, object]]) -> tuple[object, object]:
            row = next(r for r in found if r["brand_id"] == "acme" and r["platform"] == "all")
            return row["pending"], row["ignored"]

        assert acme(queries.brand_metrics(con)) == (1, 4)
        later = datetime(2026, 10, 14, tzinfo=UTC)
        assert acme(queries.brand_metrics(con, as_of=later)) == (0, 5)
        assert acme(queries.brand_metrics(con)) == (1, 4)  # the same connection, unshadowed
        assert con.execute("select as_of from audit_params").fetchall() == [(AS_OF,)]
    finally:
        con.close()


def test_one_timestamp_reading_for_configs_and_options() -> None:
    assert parse_instant("2026-11-01T02:00:00+02:00") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_instant("2026-11-01T00:00:00Z") == datetime(2026, 11, 1, tzinfo=UTC)
    for naive_or_bad in ("2026-11-01T00:00:00", "2026-11-01", "soon", 7):
        with pytest.raises(ValueError, match="with a zone"):
            parse_instant(naive_or_bad)


def test_a_shipped_panel_puts_its_database_in_the_working_directory(tmp_path: Path) -> None:
    assert load_panel("airlines", cwd=tmp_path).db == tmp_path / "airlines.duckdb"
    assert load_panel("airlines", tmp_path / "x.duckdb").db == tmp_path / "x.duckdb"


def test_cli_modules_hold_no_sql_and_no_duckdb() -> None:
    sql = re.compile(r"import duckdb|\.execute\(|\bselect\b.+\bfrom\b", re.IGNORECASE)
    for module in sorted((ROOT / "crawler" / "cli").glob("*.py")):
        found = [line for line in module.read_text(encoding="utf-8").splitlines()
                 if sql.search(line)]
        assert not found, f"{module.name}: {found}"
