"""The /stats chart: questions per day (bars) and the abstention rate (line), as a PNG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global
state), so it is safe in the bot's worker threads.
"""

from __future__ import annotations

import io

from .i18n import ENGLISH, Translator
from .log_reports import LogStats


def stats_chart(stats: LogStats, t: Translator = ENGLISH) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    figure = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [day.date[5:] for day in stats.days]  # MM-DD
    positions = range(len(stats.days))
    axes.bar(positions, [d.questions for d in stats.days], color="#4C72B0", label=t.gettext("questions"))
    axes.bar(positions, [d.abstained for d in stats.days], color="#DD8452", label=t.gettext("not answered"))
    axes.set_ylabel(t.gettext("questions per day"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(labels) // 10)
    axes.set_xticks(list(positions)[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    rates = axes.twinx()
    values = [d.abstention_rate for d in stats.days]
    rates.plot(positions, [v if v is not None else float("nan") for v in values],
               color="#C44E52", marker="o", markersize=3, label=t.gettext("abstention rate"))
    rates.set_ylim(0, 1.05)
    rates.yaxis.set_major_formatter(PercentFormatter(1.0))
    rates.set_ylabel(t.gettext("abstention rate"))
    handles = axes.get_legend_handles_labels()[0] + rates.get_legend_handles_labels()[0]
    axes.legend(handles, [h.get_label() for h in handles], loc="lower left", bbox_to_anchor=(0, 1.0),
                ncols=3, fontsize=8, frameon=False)
    first, last = stats.days[0].date, stats.days[-1].date
    figure.suptitle(t.gettext("Questions {first} – {last} (UTC)").format(first=first, last=last), fontsize=11)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
