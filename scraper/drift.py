"""The layout drift alarm: does today's run read the pages as well as the recent runs did?

A layout change rarely breaks a page outright: the page still parses, and fields come back empty. So
after each sync the rows that landed since the last check are measured per run (the share of `ok`
records with each profile field non-empty, the share of each status among attempted records and of
each layout generation among `ok` records), each run's figures are kept in `linkedin.run_quality` (one
row per run), and today's run is compared with the recent runs kept there (docs/architecture.md,
"Layout drift alarm"). The cost depends on what landed since the last check and on BASELINE_RUNS rows,
never on history: Airbyte's table is read only past the watermark (its `_airbyte_extracted_at`, which
the destination indexes).

This module is the table's one owner; `compare` is pure, `check` reads and writes the warehouse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from scraper.airbyte.landed import LANDED_TABLE, landed_columns
from scraper.airbyte.provision import WAREHOUSE_SCHEMA
from scraper.models import PROFILE_FIELDS, Profile

TABLE = f"{WAREHOUSE_SCHEMA}.run_quality"

# The thresholds (docs/architecture.md, "Layout drift alarm"). A figure alarms when it moved the bad
# way by at least ABS_DROP (share points) AND by at least REL_DROP of its usual value AND by at least
# NOISE_Z standard errors of the difference of two shares (a day's batch of other people fills a rare
# section less often by chance, never by 4 standard errors), on a run with at least MIN_RECORDS
# records behind it, against at least MIN_BASELINE_RUNS earlier runs.
ABS_DROP = 0.15
REL_DROP = 0.25
NOISE_Z = 4.0
MIN_RECORDS = 20
MIN_BASELINE_RUNS = 2
BASELINE_RUNS = 7  # the recent runs the usual rate pools (runs that alarmed are left out)
EXAMPLES = 3

# Fields whose fill says something: flags (always set) and the per-section dicts are left out.
_HINTS = get_type_hints(Profile, include_extras=False)
FILL_FIELDS: tuple[str, ...] = tuple(
    f for f in PROFILE_FIELDS if _HINTS[f] is not bool and f not in ("section_totals", "truncated")
)
# A status or generation whose share going UP is the bad way; for every other figure it is DOWN.
_WORSE_WHEN_HIGHER = frozenset({"status:error", "generation:unknown"})

_DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {WAREHOUSE_SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        run_id text PRIMARY KEY,
        measured_at timestamptz NOT NULL,
        extracted_to timestamptz NOT NULL,
        attempted integer NOT NULL,
        ok integer NOT NULL,
        counts jsonb NOT NULL,
        drops jsonb NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS run_quality_measured_at ON {TABLE} (measured_at)",
)


@dataclass
class RunFigures:
    """One run's counts: `counts` maps a figure ('field:headline', 'status:ok', 'generation:sdui') to
    how many records had it; a field's and a generation's base is `ok`, a status's is `attempted`."""

    run_id: str
    attempted: int = 0
    ok: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    # figure -> up to EXAMPLES (profile_id, pages) of records that lack it (or have it, when higher is worse)
    examples: dict[str, list[tuple[str, list[str]]]] = field(default_factory=lambda: defaultdict(list))

    def base(self, figure: str) -> int:
        return self.attempted if figure.startswith("status:") else self.ok

    def rate(self, figure: str) -> float:
        return self.counts[figure] / self.base(figure) if self.base(figure) else 0.0


@dataclass(frozen=True)
class Drop:
    """One figure that moved the bad way beyond the thresholds."""

    figure: str
    usual: float
    today: float
    examples: list[tuple[str, list[str]]]


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def figures_of(run_id: str, records: list[dict[str, Any]]) -> RunFigures:
    """The figures of one run's attempted records (dicts with the record's flattened columns)."""
    run = RunFigures(run_id)
    for record in records:
        run.attempted += 1
        status = str(record.get("status"))
        run.counts[f"status:{status}"] += 1
        # The archive's page paths (the record's `pages` list), whatever form an entry takes.
        pages = [
            p if isinstance(p, str) else json.dumps(p, sort_keys=True) for p in record.get("pages") or []
        ]
        example = (str(record.get("profile_id")), pages)
        if status == "error":
            _add_example(run, "status:error", example)
        if status != "ok":
            _add_example(run, "status:ok", example)
            continue
        run.ok += 1
        generation = record.get("dom_generation") or "unknown"
        run.counts[f"generation:{generation}"] += 1
        if generation == "unknown":
            _add_example(run, "generation:unknown", example)
        for name in FILL_FIELDS:
            if _filled(record.get(name)):
                run.counts[f"field:{name}"] += 1
            else:
                _add_example(run, f"field:{name}", example)
    return run


def _add_example(run: RunFigures, figure: str, example: tuple[str, list[str]]) -> None:
    if len(run.examples[figure]) < EXAMPLES:
        run.examples[figure].append(example)


def compare(today: RunFigures, baseline: list[RunFigures]) -> list[Drop]:
    """The figures of `today` that dropped (or, for errors and unknown layouts, rose) beyond the
    thresholds against the pooled `baseline` runs. Nothing with too few records or runs behind it."""
    if len(baseline) < MIN_BASELINE_RUNS:
        return []
    drops = []
    for figure in sorted(set(today.counts) | {c for run in baseline for c in run.counts} | _expected()):
        usual_base = sum(run.base(figure) for run in baseline)
        if today.base(figure) < MIN_RECORDS or usual_base < MIN_RECORDS:
            continue
        usual = sum(run.counts[figure] for run in baseline) / usual_base
        rate = today.rate(figure)
        moved = rate - usual if figure in _WORSE_WHEN_HIGHER else usual - rate
        noise = math.sqrt(usual * (1 - usual) * (1 / today.base(figure) + 1 / usual_base))
        if moved >= ABS_DROP and moved >= REL_DROP * usual and moved >= NOISE_Z * noise:
            drops.append(Drop(figure, usual, rate, list(today.examples.get(figure, []))))
    return drops


def _expected() -> set[str]:
    """Figures that count even when today has none of them (a field no record filled today)."""
    return {f"field:{name}" for name in FILL_FIELDS} | {"status:ok"}


def table(drops: list[Drop]) -> str:
    """The alarm's table: field, usual rate, today's rate, example profiles and their archived pages."""
    rows = [("field", "usual", "today", "examples (profile: archived pages)")]
    for drop in drops:
        examples = "; ".join(
            f"{pid}: {', '.join(pages)}" if pages else f"{pid}: (no archived pages)"
            for pid, pages in drop.examples
        )
        rows.append((drop.figure, f"{drop.usual:.0%}", f"{drop.today:.0%}", examples or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    )


@dataclass(frozen=True)
class Verdict:
    run_id: str
    attempted: int
    ok: int
    drops: list[Drop]


def ensure_table(conn: Any) -> None:
    with conn.cursor() as cur:
        for statement in _DDL:
            cur.execute(statement)
    conn.commit()


def _baseline(cur: Any, before: dt.datetime) -> list[RunFigures]:
    cur.execute(
        f"""SELECT run_id, attempted, ok, counts FROM {TABLE}
            WHERE drops = '[]'::jsonb AND measured_at < %s ORDER BY measured_at DESC LIMIT %s""",
        (before, BASELINE_RUNS),
    )
    return [RunFigures(r[0], r[1], r[2], Counter(r[3])) for r in cur.fetchall()]


def check(conn: Any, now: dt.datetime, run_id: str | None = None) -> list[Verdict]:
    """Measure every run that landed since the last check, compare each with the recent runs, keep its
    figures and drops, commit. One verdict per run measured, and one for `run_id` (the DAG run's own)
    as kept when it was measured before: a cleared task alarms again until the drops are accepted."""
    ensure_table(conn)
    with conn.cursor() as cur:
        columns = landed_columns(cur)
        if not columns:  # nothing has landed yet
            return []
        wanted = [
            c
            for c in ("run_id", "profile_id", "status", "dom_generation", "pages", *FILL_FIELDS)
            if c in columns
        ]
        cur.execute(f"SELECT max(extracted_to) FROM {TABLE}")
        watermark = cur.fetchone()[0]
        cur.execute(
            f"""SELECT {", ".join(wanted)}, _airbyte_extracted_at FROM {LANDED_TABLE}
                WHERE attempted AND _airbyte_extracted_at > coalesce(%s, '-infinity'::timestamptz)
                ORDER BY _airbyte_extracted_at, profile_id""",
            (watermark,),
        )
        by_run: dict[str, list[dict[str, Any]]] = defaultdict(list)
        extracted_to: dict[str, dt.datetime] = {}
        for row in cur.fetchall():
            record = dict(zip(wanted, row[:-1], strict=True))
            by_run[str(record["run_id"])].append(record)
            extracted_to[str(record["run_id"])] = row[-1]
        verdicts = []
        for run, records in by_run.items():
            figures = figures_of(run, records)
            drops = compare(figures, _baseline(cur, now))
            cur.execute(
                f"""INSERT INTO {TABLE} VALUES (%s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (run_id) DO UPDATE SET measured_at = EXCLUDED.measured_at,
                      extracted_to = EXCLUDED.extracted_to, attempted = EXCLUDED.attempted,
                      ok = EXCLUDED.ok, counts = EXCLUDED.counts, drops = EXCLUDED.drops""",
                (
                    run,
                    now,
                    extracted_to[run],
                    figures.attempted,
                    figures.ok,
                    json.dumps(figures.counts),
                    _json(drops),
                ),
            )
            verdicts.append(Verdict(run, figures.attempted, figures.ok, drops))
        if run_id is not None and run_id not in by_run:
            cur.execute(f"SELECT attempted, ok, drops FROM {TABLE} WHERE run_id = %s", (run_id,))
            kept = cur.fetchone()
            if kept is not None:
                verdicts.append(Verdict(run_id, kept[0], kept[1], [_drop(d) for d in kept[2]]))
    conn.commit()
    return verdicts


def _json(drops: list[Drop]) -> str:
    return json.dumps([dataclasses.asdict(d) for d in drops])


def _drop(kept: dict[str, Any]) -> Drop:
    return Drop(
        kept["figure"], kept["usual"], kept["today"], [(pid, pages) for pid, pages in kept["examples"]]
    )
