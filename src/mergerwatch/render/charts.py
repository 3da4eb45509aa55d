"""`stats --html FILE` and `stats --png FILE`: the statistics as charts, drawn with matplotlib (the optional
extra ``mergerwatch[charts]``; imported only here, so no other command pays for it).

Outcomes per group as stacked bars, one panel per authority, and the median / 90th-percentile days from
notification to decision per phase. Group names can be outside text (a sector): they are cleaned and never
read as mathtext. The HTML page is self-contained (the SVG inline, no script, nothing fetched) and escaped.
"""

from __future__ import annotations

import html
import io
from datetime import date
from typing import Any

from mergerwatch.core.errors import MergerwatchError
from mergerwatch.core.textsafe import clean

# An HSR waiting period that ended is no clearance: its own series, grey-blue, never the clearance green.
SERIES = (
    ("cleared", "cleared", "#2e7d32"),
    ("cleared_with_remedies", "with remedies", "#b28704"),
    ("waiting_period_ended", "HSR waiting period ended", "#607d8b"),
    ("challenged", "challenged", "#6a1b9a"),
    ("prohibited", "prohibited", "#c62828"),
    ("abandoned", "abandoned", "#ad1457"),
    ("referred", "referred", "#283593"),
    ("closed", "closed otherwise", "#795548"),
    ("_other", "open or undetermined", "#9e9e9e"),
)
MAX_PANELS = 8
MAX_BARS = 40


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.figure  # noqa: F401  (the object API: no pyplot, no GUI backend)
    except ImportError:
        raise MergerwatchError(
            "charts need matplotlib, which is not installed: pip install 'mergerwatch[charts]' "
            "(the terminal table and --json work without it)"
        ) from None
    return matplotlib


def _figure(rows: list[dict[str, Any]], by: str) -> Any:
    from matplotlib.figure import Figure

    authorities = sorted({r["authority"] for r in rows})[:MAX_PANELS]
    timed = [r for r in rows if r["durations"] and r["authority"] in authorities]
    n = len(authorities) + (1 if timed else 0)
    fig = Figure(figsize=(10, 2.8 * n), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, auth in zip(axes, authorities, strict=False):
        mine = [r for r in rows if r["authority"] == auth][-MAX_BARS:]
        keys = [_label(r[by]) for r in mine]
        bottom = [0] * len(mine)
        for code, label, colour in SERIES:
            if code == "_other":
                vals = [r["cases"] - sum(r["outcomes"].get(c, 0) for c, _l, _c in SERIES[:-1]) for r in mine]
            else:
                vals = [r["outcomes"].get(code, 0) for r in mine]
            if not any(vals):
                continue  # no empty series in the legend (no challenge at the EC, no clearance in the US)
            ax.bar(keys, vals, bottom=bottom, color=colour, label=label)
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        ax.set_title(_label(f"{auth}: cases and outcomes by {by}"), loc="left", fontsize=11)
        ax.set_ylabel("cases")
        ax.tick_params(axis="x", labelrotation=60 if len(keys) > 12 else 0, labelsize=8)
        ax.legend(fontsize=8, ncols=3, loc="upper left")
    if timed:
        ax = axes[-1]
        keys = [f"{_label(r['authority'])} {_label(r[by])}" for r in timed]  # in the table's order
        for ph, colour in (("phase_1", "#0277bd"), ("phase_2", "#8e24aa")):
            xs = [i for i, r in enumerate(timed) if ph in r["durations"]]
            if xs:
                d = [timed[i]["durations"][ph] for i in xs]
                name = ph.replace("_", " ")
                ax.plot(xs, [x["median_days"] for x in d], "o", color=colour, label=f"{name} median")
                ax.plot(xs, [x["p90_days"] for x in d], "o", color=colour, fillstyle="none",
                        label=f"{name} 90th percentile")  # fmt: skip
        ax.set_xticks(range(len(keys)), keys)
        ax.set_xlim(-0.5, len(keys) - 0.5)
        ax.set_title("days from notification to decision", loc="left", fontsize=11)
        ax.set_ylabel("days")
        ax.tick_params(axis="x", labelrotation=60 if len(keys) > 8 else 0, labelsize=8)
        ax.legend(fontsize=8)
    return fig


def _label(value: Any) -> str:
    # Figures are built with text.parse_math off: "$...$" in a sector name stays text, never mathtext.
    return clean(str(value), one_line=True)[:60]


def _e(value: Any) -> str:
    return html.escape(clean(value))


def _draw(rows: list[dict[str, Any]], by: str, fmt: str) -> bytes:
    """The figure built and saved in one settings context: mathtext off from the first text set."""
    matplotlib = _matplotlib()
    buf = io.BytesIO()
    with matplotlib.rc_context({"text.parse_math": False, "svg.hashsalt": "mergerwatch", "svg.fonttype": "path"}):
        meta = {"Date": None} if fmt == "svg" else {"Software": "mergerwatch"}
        _figure(rows, by).savefig(buf, format=fmt, dpi=110, metadata=meta)
    return buf.getvalue()


def stats_png(rows: list[dict[str, Any]], by: str) -> bytes:
    return _draw(rows, by, "png")


def stats_html(rows: list[dict[str, Any]], by: str, today: date | None = None) -> str:
    svg = _draw(rows, by, "svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]  # the inline element, without the XML prolog
    e = _e
    head = ["authority", by, "cases", "open", *[label for _c, label, _col in SERIES[:-1]], "Phase 2 opened",
            "median days (p1 / p2)", "p90 days (p1 / p2)"]  # fmt: skip
    body = []
    for r in rows:
        d = r["durations"]
        med = " / ".join(str(d[p]["median_days"]) if p in d else "-" for p in ("phase_1", "phase_2"))
        p90 = " / ".join(str(d[p]["p90_days"]) if p in d else "-" for p in ("phase_1", "phase_2"))
        cells = [r["authority"], r[by], r["cases"], r["open"]]
        cells += [f"{r['outcomes'].get(c, 0)} ({r['shares'].get(c, 0):.0%})" for c, _l, _col in SERIES[:-1]]
        cells += [f"{r['phase_2_opened']} ({r['phase_2_share']:.0%})", med, p90]
        body.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>mergerwatch statistics by {e(by)}</title><style>body{{font:14px/1.4 system-ui,sans-serif;"
        "margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;"
        "text-align:right}td:first-child,td:nth-child(2){text-align:left}.m{color:#666;font-size:12px}</style>"
        f"</head><body><h1>Merger control statistics by authority and {e(by)}</h1>"
        f"<p class='m'>Made {e((today or date.today()).isoformat())} by mergerwatch from the records in the store. "
        "Durations run from notification to decision and count only the cases whose notification date is "
        "public.</p>"
        f"{svg}<table><tr>{''.join(f'<th>{e(h)}</th>' for h in head)}</tr>{''.join(body)}</table></body></html>"
    )
