"""The report's charts: matplotlib figures written as static SVG and inlined in the HTML.

Static SVG needs no script and no fetch, so the report stays one self-contained file that
works offline and prints sharply. Every series differs in line style and marker as well as
colour, so a black-and-white print still tells brands apart; the client is drawn darkest and
thickest. Text stays text (`svg.fonttype = none`): small files, and brand names are escaped
by matplotlib's SVG writer, never interpreted (math parsing is off).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import matplotlib
from markupsafe import Markup
from matplotlib.figure import Figure

from reports.filters import duration

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

CLIENT_COLOUR = "#1f4f99"
# Competitors: greys and muted hues that stay distinct in greyscale, each with its own dash.
OTHER_COLOURS = ("#6b7280", "#b45309", "#4b5563", "#9d174d", "#374151", "#0f766e")
OTHER_STYLES = ("--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (6, 2)))
OTHER_MARKERS = ("s", "^", "D", "v", "P", "X")
OTHER_HATCHES = ("//", "..", "xx", "\\\\", "++", "oo")
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# Charts are drawn narrow (inches) with large text, so that shrunk to a 360-px phone their
# smallest text is still ~9 px; on a desktop they are shown at most ~1.6 times that size.
WIDTH = 4.8
FONT = 9.5
# First-response buckets, fast to slow, then unanswered: a sequential blue ramp, then red.
BUCKET_COLOURS = ("#1f4f99", "#4f7cc0", "#8fb0dd", "#c9d8ee", "#e7edf6", "#c53030")
BUCKET_HATCHES = (None, None, "..", "//", "xx", None)
# Elapsed times the answer curve is drawn over: one minute to two weeks, log-spaced.
CURVE_SECONDS = tuple(60 * 10 ** (i / 20) for i in range(0, 87))

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "replyaudit",  # ids depend on content only: the same data, the same file
    "text.parse_math": False,  # a '$' in a brand name is a dollar, not TeX
    "font.family": "sans-serif",
    "font.size": FONT,
    "xtick.labelsize": FONT,
    "ytick.labelsize": FONT,
    "axes.labelsize": FONT,
    "axes.edgecolor": "#8a94a3",
    "axes.labelcolor": "#1b2330",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#5d6878",
    "ytick.color": "#5d6878",
    "axes.grid": True,
    "grid.color": "#e3e7ed",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": FONT,
}


@dataclass(frozen=True)
class Chart:
    """One chart as the report shows it: a title, a sentence on how to read it, the SVG."""

    key: str = field(metadata={"help": "stable id, also the figure's HTML id"})
    title: str = field(metadata={"help": "what the chart shows"})
    caption: str = field(metadata={"help": "how to read it, in one or two sentences"})
    svg: Markup = field(metadata={"help": "the inline <svg> element (generated, trusted)"})


@dataclass(frozen=True)
class Series:
    """One brand's values for a line or bar chart; None where there is nothing to plot."""

    name: str
    is_client: bool
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class RateBar:
    """A brand's response rate with its 95 % interval, for the rate chart."""

    name: str
    is_client: bool
    rate: float | None
    low: float | None
    high: float | None
    judged: int
    note: str = ""  # e.g. "too few to rank", after the share


def _style(index: int, is_client: bool) -> dict[str, Any]:
    """Line style for the index-th competitor, or the client's (solid, dark, thick)."""
    if is_client:
        return {"color": CLIENT_COLOUR, "linestyle": "-", "marker": "o", "linewidth": 2.4,
                "zorder": 5}
    i = index % len(OTHER_COLOURS)
    return {"color": OTHER_COLOURS[i], "linestyle": OTHER_STYLES[i], "marker": OTHER_MARKERS[i],
            "linewidth": 1.4, "zorder": 3}


def _styled(series: Sequence[Series]) -> Iterator[tuple[Series, dict[str, Any]]]:
    competitor = 0
    for s in series:
        yield s, _style(competitor, s.is_client)
        if not s.is_client:
            competitor += 1


@contextmanager
def _figure(width: float, height: float) -> Iterator[Figure]:
    with matplotlib.rc_context(_RC):
        yield Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Figure, key: str, label: str) -> Markup:
    """The figure as an <svg> element with ids prefixed by `key` (several share one page)."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    text = re.sub(r'id="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r'(xlink:href|href)="#([^"]+)"', rf'\1="#{key}-\2"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    label_attr = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    text = text.replace("<svg ", f'<svg role="img" aria-label="{label_attr}" ', 1)
    return Markup(text)  # noqa: S704 - generated by matplotlib, which escapes all text


def _percent_axis(axis: object) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))  # type: ignore[attr-defined]


def rate_chart(bars: Sequence[RateBar]) -> Chart:
    """Response rate per brand as horizontal bars with the 95 % interval as error bars.

    Each bar's figure ("84 % of 773") sits in a column right of the 100 % line, so it never
    runs into a bar or a whisker.
    """
    from matplotlib.transforms import blended_transform_factory

    shown = [b for b in bars if b.rate is not None]
    with _figure(WIDTH, 0.7 + 0.36 * max(len(shown), 1)) as fig:
        ax = fig.add_subplot()
        labels = blended_transform_factory(ax.transAxes, ax.transData)
        competitor = 0
        for y, bar in enumerate(reversed(shown)):
            if bar.is_client:
                colour, hatch = CLIENT_COLOUR, None
            else:
                colour = "#d5dae2"
                hatch = OTHER_HATCHES[competitor % len(OTHER_HATCHES)]
                competitor += 1
            assert bar.rate is not None
            ax.barh(y, bar.rate, height=0.62, color=colour, hatch=hatch, edgecolor="#1b2330",
                    linewidth=0.6)
            if bar.low is not None and bar.high is not None:
                ax.errorbar(bar.rate, y, xerr=[[bar.rate - bar.low], [bar.high - bar.rate]],
                            fmt="none", ecolor="#1b2330", elinewidth=1.2, capsize=3)
            figure = f"{bar.rate * 100:.0f} % of {bar.judged:,}"
            ax.text(1.03, y, f"{figure}\n{bar.note}" if bar.note else figure,
                    transform=labels, va="center", ha="left", color="#1b2330",
                    linespacing=1.0)
        ax.set_yticks(range(len(shown)),
                      [(b.name + " (client)" if b.is_client else b.name) for b in reversed(shown)])
        ax.set_ylim(-0.6, max(len(shown), 1) - 0.4)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("answered / judged (answered + ignored)")
        label = "Response rate per brand with 95 % interval"
        return Chart("chart-rate", label,
                     "Bars are the share of judged posts answered, with how many were judged; "
                     "the whiskers are the 95 % interval, so brands whose whiskers overlap may "
                     "not really differ.",
                     _svg(fig, "chart-rate", label))


def bucket_chart(names: Sequence[tuple[str, bool]],
                 buckets: Sequence[Sequence[tuple[str, int]]]) -> Chart:
    """Per brand, one bar of its judged posts split by first-response time, unanswered last.

    `names` are (brand name, is client); `buckets` per brand are (label, posts) in BUCKETS
    order. Shares are of the brand's judged posts; a brand with none is left out.
    """
    kept = [(n, b) for n, b in zip(names, buckets, strict=True) if sum(c for _, c in b)]
    with _figure(WIDTH, 1.2 + 0.36 * max(len(kept), 1)) as fig:
        ax = fig.add_subplot()
        for y, (_, counts) in enumerate(reversed(kept)):
            total = sum(c for _, c in counts)
            left = 0.0
            for i, (text, n) in enumerate(counts):
                ax.barh(y, n / total, left=left, height=0.62, color=BUCKET_COLOURS[i],
                        hatch=BUCKET_HATCHES[i], edgecolor="#1b2330", linewidth=0.4,
                        label=text if y == 0 else None)
                left += n / total
        ax.set_yticks(range(len(kept)), [n + " (client)" if c else n
                                         for n, c in reversed([k[0] for k in kept])])
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.6, max(len(kept), 1) - 0.4)
        _percent_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("share of judged posts (answered + ignored)")
        if kept:
            fig.legend(loc="outside lower center", ncols=3, title="first response",
                       title_fontsize=FONT)
        label = "When answers came: judged posts by time to first response"
        return Chart("chart-buckets", label,
                     "Each bar is one brand's judged posts: answered within 1 hour, within 8 "
                     "hours, within a day, within 3 days, later, and unanswered (ignored), "
                     "in red at the right.",
                     _svg(fig, "chart-buckets", label))


def answer_curve(series: Sequence[Series]) -> Chart:
    """Share of judged posts answered within each elapsed time (values at CURVE_SECONDS)."""
    with _figure(WIDTH, 3.6) as fig:
        ax = fig.add_subplot()
        for s, style in _styled(series):
            xs = [t for t, v in zip(CURVE_SECONDS, s.values, strict=True) if v is not None]
            ys = [v for v in s.values if v is not None]
            if ys:
                ax.step(xs, ys, where="post", label=s.name + (" (client)" if s.is_client else ""),
                        markevery=12, markersize=4, **style)
        ax.set_xscale("log")
        ticks = [60, 600, 3600, 6 * 3600, 86400, 7 * 86400]
        ax.set_xticks(ticks, [duration(t).replace(".0", "") for t in ticks])
        ax.minorticks_off()
        ax.set_xlim(CURVE_SECONDS[0], CURVE_SECONDS[-1])
        ax.set_ylim(0, 1)
        _percent_axis(ax.yaxis)
        ax.set_xlabel("time since the customer posted")
        ax.set_ylabel("answered so far (of judged)")
        if ax.get_legend_handles_labels()[0]:  # an empty window has no line to name
            fig.legend(loc="outside lower center", ncols=2)
        label = "Share of customer posts answered by elapsed time"
        return Chart("chart-speed", label,
                     "Each line climbs as a brand's answers come in; where it ends is the "
                     "response rate. Steep and high is fast and reliable.",
                     _svg(fig, "chart-speed", label))


def time_of_week(volume_by_day: Sequence[int], rate_by_day: Sequence[Series],
                 volume_by_hour: Sequence[int], rate_by_hour: Sequence[Series]) -> Chart:
    """Customer posts (bars) and response rate (lines) by weekday and by hours of the day (UTC),
    the day split into as many equal slots as `volume_by_hour` has entries."""
    with _figure(WIDTH, 5.0) as fig:
        axes = fig.subplots(2, 2, sharex="col", height_ratios=(1, 1.6))
        hours = 24 // len(volume_by_hour)
        slots = tuple(f"{h:02d}" for h in range(0, 24, hours))
        panels = ((0, WEEKDAYS, volume_by_day, rate_by_day),
                  (1, slots, volume_by_hour, rate_by_hour))
        for col, labels, volume, rates in panels:
            top, bottom = axes[0][col], axes[1][col]
            top.bar(range(len(labels)), volume, color="#c9d1dc", edgecolor="#5d6878",
                    linewidth=0.5)
            top.set_ylabel("customer posts")
            top.grid(axis="x", visible=False)
            for s, style in _styled(rates):
                ys = [math.nan if v is None else v for v in s.values]
                bottom.plot(range(len(labels)), ys, markersize=3.5,
                            label=s.name + (" (client)" if s.is_client else ""), **style)
            bottom.set_ylim(0, 1.02)
            _percent_axis(bottom.yaxis)
            bottom.set_ylabel("response rate")
            step = 1 if len(labels) <= 7 else 2
            bottom.set_xticks(range(0, len(labels), step), labels[::step])
        axes[1][0].set_xlabel("weekday (UTC)")
        axes[1][1].set_xlabel("hour of day (UTC)")
        handles, names = axes[1][0].get_legend_handles_labels()
        if handles:
            fig.legend(handles, names, loc="outside lower center", ncols=min(len(names), 2))
        label = "Customer posts and response rate by weekday and hour"
        return Chart("chart-time", label,
                     f"Bars: customer posts to all brands together, by when they were posted "
                     f"(hours in blocks of {hours}, labelled by their start). "
                     "Lines: the share of judged posts each brand answered; a gap means "
                     "nothing to judge.",
                     _svg(fig, "chart-time", label))


def trend_chart(periods: Sequence[str], series: Sequence[Series], key: str, title: str,
                caption: str, measure: str = "response rate",
                band: Sequence[tuple[float, float] | None] | None = None) -> Chart:
    """Response rate per brand over periods (weeks), one line per brand.

    `periods` are the x labels (they may carry a second line, e.g. the week's n); `band`, per
    period, is the client's 95 % interval, drawn as a shaded band behind its line.
    """
    with _figure(WIDTH, 3.6) as fig:
        ax = fig.add_subplot()
        if band is not None:
            xs = [i for i, b in enumerate(band) if b is not None]
            ax.fill_between(xs, [band[i][0] for i in xs],  # type: ignore[index]
                            [band[i][1] for i in xs],  # type: ignore[index]
                            color=CLIENT_COLOUR, alpha=0.12, linewidth=0, zorder=1)
        for s, style in _styled(series):
            ys = [math.nan if v is None else v for v in s.values]
            ax.plot(range(len(periods)), ys, markersize=5,
                    label=s.name + (" (client)" if s.is_client else ""), **style)
        step = 1 if len(periods) <= 6 else math.ceil(len(periods) / 6)
        ax.set_xticks(range(0, len(periods), step), list(periods)[::step])
        ax.set_xlim(-0.3, max(len(periods) - 0.7, 0.3))
        ax.set_ylim(0, 1.02)
        _percent_axis(ax.yaxis)
        ax.set_ylabel(measure)
        if ax.get_legend_handles_labels()[0]:
            fig.legend(loc="outside lower center", ncols=2)
        return Chart(key, title, caption, _svg(fig, key, title))
