"""The report's formatting filters and the context's field documentation, without a dataset."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from reports import model as report_model
from reports.filters import css_width, duration, interval, percent, utc, window
from reports.untrusted import BIDI_CONTROLS, reveal_bidi, shorten, web_url


def test_every_context_field_says_what_it_means() -> None:
    classes = [c for c in vars(report_model).values()
               if dataclasses.is_dataclass(c) and c.__module__ == report_model.__name__]
    assert len(classes) >= 10
    for cls in classes:
        for f in dataclasses.fields(cls):
            assert f.metadata.get("help"), f"{cls.__name__}.{f.name} has no help"


@pytest.mark.parametrize(("value", "shown"), [
    (None, "—"), (0.0, "0 %"), (0.004, "0.4 %"), (0.4149, "41 %"), (0.9996, "99.9 %"),
    (1.0, "100 %"),
])
def test_percent(value: float | None, shown: str) -> None:
    assert percent(value) == shown


@pytest.mark.parametrize(("seconds", "shown"), [
    (None, "—"), (42, "42 s"), (59.4, "59 s"), (60, "1 min"), (42 * 60, "42 min"),
    (3570, "1.0 h"), (3.5 * 3600, "3.5 h"), (23.9 * 3600, "23.9 h"), (2.1 * 86400, "2.1 d"),
])
def test_duration(seconds: float | None, shown: str) -> None:
    assert duration(seconds) == shown


def test_interval() -> None:
    assert interval(0.41, 0.35, 0.47) == "41 % (35–47 %)"
    assert interval(0.41, None, None) == "41 %"
    assert interval(None, 0.1, 0.2) == "—"


def test_utc_and_window() -> None:
    paris = timezone(timedelta(hours=2))
    assert utc(datetime(2026, 10, 2, 11, 30, tzinfo=paris)) == "2026-10-02 09:30 UTC"
    assert utc(datetime(2026, 10, 2, 9, 30)) == "2026-10-02 09:30 UTC"  # naive = UTC
    assert utc(None) == "—"
    start = datetime(2026, 10, 1, tzinfo=UTC)
    assert window(start, datetime(2026, 11, 1, tzinfo=UTC)) == "2026-10-01 – 2026-10-31"
    assert window(start, None) == "from 2026-10-01"
    assert (window(datetime(2026, 10, 1, 14, 5, tzinfo=UTC), datetime(2026, 10, 31, 14, 5,
                                                                        tzinfo=UTC))
            == "2026-10-01 14:05 UTC – 2026-10-31 14:05 UTC")


def test_bar_widths_stay_inside_their_track() -> None:
    assert css_width(0.4149) == "41.5%"
    assert css_width(None) == css_width(-0.2) == "0.0%"
    assert css_width(1.7) == "100.0%"


def test_post_text_is_cut_at_a_word_and_marked() -> None:
    assert shorten("  two\n words ", 280) == ("two words", False)
    text, cut = shorten("word " * 100, 280)
    assert cut and len(text) <= 280 and text.endswith("word…")
    text, cut = shorten("x" * 400, 280)  # no space to cut at: cut mid-word
    assert cut and len(text) == 280


@pytest.mark.parametrize(("url", "link"), [
    ("https://bsky.app/profile/a/post/1", "https://bsky.app/profile/a/post/1"),
    ("http://example.social/@a/1", "http://example.social/@a/1"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None),
    ("data:text/html,<script>", None), ("//evil.example/x", None), ("https://[", None),
    ("", None), (None, None),
])
def test_only_web_urls_become_links(url: str | None, link: str | None) -> None:
    assert web_url(url) == link


def test_bidirectional_controls_are_shown_not_obeyed() -> None:
    # "\u202egnp.exe" would read "exe.png" in the report
    text, _ = shorten("invoice \u202egnp.exe and \u2066x\u2069 \u200fy", 280)
    assert text == "invoice [U+202E]gnp.exe and [U+2066]x[U+2069] [U+200F]y"
    assert not set(text) & set(BIDI_CONTROLS)
    assert reveal_bidi("plain العربية text") == "plain العربية text"  # RTL letters stay
