"""The benchmark's report: Markdown, ready for docs/benchmarks.md."""

import math

from tracker.bench.doors import Door, median, percentile


def ms(seconds: float) -> str:
    """Milliseconds; "timeout" for a request given up (math.inf)."""
    return "timeout" if math.isinf(seconds) else f"{seconds * 1000:,.0f}"


def p50_p95(values: list[float]) -> str:
    return f"{ms(median(values))} / {ms(percentile(values, 0.95))}" if values else "–"


def door_table(doors: list[Door], raw: dict[str, float]) -> list[str]:
    """One row per door; `raw` holds the seconds of the hand-written SQL for the doors that have one.
    The ratio is the door's cold (same program) p50 over it."""
    served = any(door.seconds["served"] for door in doors)
    lines = [
        "| door | cold (other program) p50/p95 ms | cold (same program) p50/p95 ms | warm p50/p95 ms "
        + ("| served after a write p50/p95 ms " if served else "")
        + "| raw SQL ms | ratio |",
        "|---|---:|---:|---:|" + ("---:|" if served else "") + "---:|---:|",
    ]
    for door in doors:
        seconds = raw.get(door.label)
        cold = median(door.seconds["same"]) if door.seconds["same"] else None
        ratio = f"{cold / seconds:,.1f}×" if seconds and cold is not None and not math.isinf(cold) else "–"
        lines.append(
            f"| `{door.label}` | {p50_p95(door.seconds['other'])} | {p50_p95(door.seconds['same'])} "
            f"| {p50_p95(door.seconds['warm'])} "
            + (f"| {p50_p95(door.seconds['served'])} " if served else "")
            + f"| {ms(seconds) if seconds else '–'} | {ratio} |"
        )
    return lines


def scan_table(scans: dict, timeout: float, raw_seconds: float, candidates: int) -> list[str]:
    """The scans (see tracker.bench.jobs.SCAN) beside the raw count of unpaid_feedback's candidates."""
    lines = [
        "| scan | seconds | programs scanned | flags raised / resolved | raw SQL ms | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, key in (
        ("first scan, every program", "first"),
        ("full scan again, nothing new", "again"),
        ("scan on change, nothing new", "on_change_nothing"),
        ("scan on change, one contribution logged", "on_change_one_write"),
    ):
        scan = scans.get(key)
        if scan is None:
            lines.append(f"| {label} | > {timeout:,.0f} (cancelled or not run) | – | – | {ms(raw_seconds)} | – |")
            continue
        programs = "all" if scan["programs"] is None else f"{scan['programs']:,}"
        lines.append(
            f"| {label} | {scan['seconds']:,.2f} | {programs} | {scan['raised']:,} / {scan['resolved']:,} "
            f"| {ms(raw_seconds)} | {scan['seconds'] / raw_seconds:,.1f}× |"
        )
    return [*lines, "", f"Raw SQL: a count of the unpaid_feedback rule's candidates ({candidates:,})."]


def ingest_table(rates: list[tuple[str, int, float]]) -> list[str]:
    lines = ["| ingest | rows | seconds | rows/s |", "|---|---:|---:|---:|"]
    for label, rows, seconds in rates:
        lines.append(f"| {label} | {rows:,} | {seconds:,.2f} | {rows / seconds:,.0f} |")
    return lines


def counts_line(counts: dict[str, int]) -> str:
    return "Rows: " + ", ".join(f"{count:,} {name}" for name, count in counts.items()) + "."
