"""SLA throughput: due-date computations per second with the working-time arithmetic of `wananchi.sla.policies`.

Run from the repository root: `.venv/bin/python benchmarks/sla.py [--count 100000] [--repeat 5] [--seed 2026]`.

Arithmetic: for targets of 2, 7, 14 and 30 working days, one `add_working_minutes` per random start instant (spread
over 2026 and 2027, at microsecond resolution), on the standard calendar (Monday–Friday 07:30–15:30, Tanzanian
public holidays) and on a 24/7 one. Prints the best of `--repeat` runs as due dates per second; the aim is at least
50,000 per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from wananchi.sla.policies import (  # noqa: E402
    ALWAYS_OPEN,
    WorkingCalendar,
    add_working_minutes,
    standard_calendar,
)

TARGET_DAYS = (2, 7, 14, 30)
SPAN_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=730)
GOAL_PER_SECOND = 50_000


def random_starts(count: int, seed: int) -> list[dt.datetime]:
    """`count` aware UTC instants spread uniformly over the two years from SPAN_START."""
    rng = random.Random(seed)
    span_us = SPAN // dt.timedelta(microseconds=1)
    return [SPAN_START + dt.timedelta(microseconds=rng.randrange(span_us)) for _ in range(count)]


def due_dates_per_second(calendar: WorkingCalendar, starts: Sequence[dt.datetime], minutes: int, repeat: int) -> float:
    """Best rate over `repeat` runs of one `add_working_minutes(calendar, start, minutes)` per start."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for start in starts:
            add_working_minutes(calendar, start, minutes)
        best = min(best, time.perf_counter() - began)
    return len(starts) / best


def measure_arithmetic(count: int, repeat: int, seed: int) -> None:
    """Print due dates per second for each target on the standard and the 24/7 calendar."""
    calendars = {
        "standard (Mon-Fri 07:30-15:30, TZ holidays)": standard_calendar(range(2026, 2029)),
        "24/7": ALWAYS_OPEN,
    }
    starts = random_starts(count, seed)
    print(f"Due dates per second: {count:,} random starts over 2026-2027, best of {repeat} (goal {GOAL_PER_SECOND:,})")
    print(f"{'calendar':<46}{'target':>10}{'per second':>14}")
    for name, calendar in calendars.items():
        for days in TARGET_DAYS:
            rate = due_dates_per_second(calendar, starts, days * calendar.minutes_per_working_day, repeat)
            flag = "" if rate >= GOAL_PER_SECOND else "  below goal"
            print(f"{name:<46}{f'{days} days':>10}{rate:>14,.0f}{flag}")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="start instants per measurement (100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best counts (5)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random start instants (2026)")
    args = parser.parse_args(argv)
    measure_arithmetic(args.count, args.repeat, args.seed)


if __name__ == "__main__":
    main()
