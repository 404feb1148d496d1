"""The registry of platforms (benchmarks/platforms/): every registered platform has what
docs/adding-a-platform.md asks for, and the rest of the code learns about it only there."""

from __future__ import annotations

import re
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from benchmarks.config import parse_config
from benchmarks.platforms import PLATFORMS, REGISTRY, SPECS, Platform, label

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("benchmarks", "crawler", "reports")


def own_module(path: Path, platform: str) -> bool:
    """Whether `path` is one of the platform's own modules (where naming it is the point)."""
    rel = path.relative_to(ROOT).as_posix()
    return (rel in (f"crawler/spiders/{platform}.py", f"crawler/parsers/{platform}.py",
                    f"benchmarks/platforms/{platform}.py")
            or re.fullmatch(rf"crawler/simulator/{platform}(_[a-z]+)?\.py", rel) is not None)


def config(platforms: dict[str, Any] | None = None) -> Any:
    raw = {"audit": {"name": "t", "client": "acme", "days": 7},
           "brands": [{"id": "acme", "x": ["AcmeAir"]}], "platforms": platforms or {}}
    return parse_config(raw, Path("t.toml"))


@pytest.mark.parametrize("spec", REGISTRY, ids=PLATFORMS)
def test_every_platform_has_a_spider_by_its_id(spec: Platform) -> None:
    from crawler.runner import _spider_loader

    assert _spider_loader().load(spec.id).name == spec.id
    if spec.browser_spider:
        assert _spider_loader().load(spec.browser_spider).name == spec.browser_spider


@pytest.mark.parametrize("spec", REGISTRY, ids=PLATFORMS)
def test_every_platform_has_a_parser(spec: Platform) -> None:
    assert find_spec(f"crawler.parsers.{spec.id}") is not None


@pytest.mark.parametrize("spec", REGISTRY, ids=PLATFORMS)
def test_every_platform_has_simulator_routes_and_a_config_section(spec: Platform) -> None:
    from crawler.simulator import PLATFORM_MODULES

    module = PLATFORM_MODULES[spec.id]
    assert module.routes(), f"crawler/simulator/{spec.id}.py serves no routes"
    section = module.config_section("http://127.0.0.1:1")
    assert set(section) <= set(spec.config_defaults), "the simulator writes unknown options"


@pytest.mark.parametrize("spec", REGISTRY, ids=PLATFORMS)
def test_every_platform_has_fixtures_with_provenance(spec: Platform) -> None:
    provenance = ROOT / "tests" / "fixtures" / spec.id / "PROVENANCE.md"
    assert provenance.is_file(), f"{provenance.relative_to(ROOT)} is missing"
    assert provenance.read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("spec", REGISTRY, ids=PLATFORMS)
def test_every_platform_has_a_section_in_the_platforms_doc(spec: Platform) -> None:
    headings = re.findall(r"^## (.+)$", (ROOT / "docs" / "platforms.md").read_text("utf-8"),
                          re.MULTILINE)
    assert any(spec.label in heading for heading in headings), (
        f"docs/platforms.md has no '## ...{spec.label}...' section")


@pytest.mark.parametrize("spec", REGISTRY, ids=PLATFORMS)
def test_every_entry_is_complete(spec: Platform) -> None:
    defaults = spec.config_defaults
    assert {"requests_per_second", "concurrency"} <= set(defaults)
    assert isinstance(defaults["requests_per_second"], float)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", v) for k, v in defaults.items()
               if k.endswith("_env"))
    assert set(spec.choices) <= set(defaults)
    assert spec.handle.expected and label(spec.id) == spec.label


def test_the_registry_lists_each_platform_once_with_its_module_name() -> None:
    assert len(set(PLATFORMS)) == len(PLATFORMS)
    for spec in REGISTRY:
        assert find_spec(f"benchmarks.platforms.{spec.id}") is not None
        assert re.fullmatch(r"[a-z][a-z0-9]*", spec.id)


def test_no_other_production_file_names_a_platform() -> None:
    """Adding a platform needs its own files and a registry line, nothing else: each platform
    is named (as a quoted id) in at most one production file besides its own modules and the
    registry. X, older than the registry, may also appear in its importers."""
    files = [p for d in PRODUCTION for p in (ROOT / d).rglob("*.py")]
    for platform in PLATFORMS:
        if platform == "x":
            continue
        quoted = re.compile(rf"[\"']{platform}[\"']")
        naming = [p.relative_to(ROOT).as_posix() for p in files
                  if not own_module(p, platform) and quoted.search(p.read_text("utf-8"))]
        assert len(naming) <= 1, f"{platform!r} is named in {naming}"


def test_spider_secrets_come_from_the_variables_the_config_names() -> None:
    from crawler.secrets import spider_secrets

    env = {"BLUESKY_IDENTIFIER": "me", "BLUESKY_APP_PASSWORD": "pw", "OTHER_TOKEN": "tok",
           "REDDIT_CLIENT_ID": "id", "YOUTUBE_API_KEY": "key", "FACEBOOK_ACCESS_TOKEN": "fb",
           "X_BEARER_TOKEN": "bearer"}
    cfg = config({"mastodon": {"access_token_env": "OTHER_TOKEN"}})
    assert spider_secrets(cfg, env) == {
        "bluesky": {"credentials": ("me", "pw")},
        "mastodon": {"access_token": "tok"},
        # reddit: one of its two secrets is not set, so none is passed
        "youtube": {"api_key": "key"},
        "facebook": {"access_token": "fb"},
        "x": {"bearer_token": "bearer"},
    }
    assert spider_secrets(cfg, {}) == {}


def test_the_browser_spider_gets_its_own_secrets_and_follows_no_plan() -> None:
    from crawler.runner import follows_incremental_plans, spider_class
    from crawler.secrets import spider_secrets

    api, browser = config(), config({"x": {"collect": "browser"}})
    assert spider_class(api, "x").name == "x" and follows_incremental_plans(api, "x")
    assert spider_class(browser, "x").name == "x_browser"
    assert not follows_incremental_plans(browser, "x")
    assert spider_secrets(browser, {"X_BEARER_TOKEN": "b"}) == {"x": {"storage_state": None}}
    assert spider_secrets(browser, {"X_STORAGE_STATE": "s.json"})["x"] == {
        "storage_state": "s.json"}


def test_every_platform_with_secrets_can_log_in_to_the_simulator() -> None:
    from benchmarks.config import PLATFORM_DEFAULTS
    from crawler.simulator import SIM_CREDENTIALS, login_environment

    env = login_environment(PLATFORM_DEFAULTS)
    for spec in REGISTRY:
        if spec.secrets:
            assert spec.id in SIM_CREDENTIALS
            assert {PLATFORM_DEFAULTS[spec.id][f"{s}_env"] for s in spec.secrets} <= set(env)
    assert SPECS["x"].label == "X"
