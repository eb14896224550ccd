"""Write strong_e2e.csv: ten weeks of a classic Strong export (lb, no unit column).

Deterministic, so the file in the repository is exactly what this prints. It has what the
browser test needs to see every chart drawn: 2-3 sessions a week, progressing loads on the
posterior-chain lifts, warm-up sets, a rejected row (reps "ten") and an exercise name that
is an HTML injection attempt (it must show as text and stay unmapped).

    python tests/e2e/data/make_strong_e2e.py > tests/e2e/data/strong_e2e.csv
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime, timedelta

HEADER = ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps",
          "Distance", "Seconds", "Notes", "Workout Notes", "RPE"]
XSS = '<img src=x onerror="window.__xss=1">**Hinge**'
# name, start load (lb), weekly increase, reps per working set, working sets
LIFTS_A = [("Romanian Deadlift (Barbell)", 95, 10, 10, 3),
           ("Hip Thrust (Barbell)", 135, 10, 10, 3),
           ("Bent Over Row (Barbell)", 65, 5, 10, 3),
           ("Kettlebell Swing", 35, 0, 15, 3)]
LIFTS_B = [("Romanian Deadlift (Barbell)", 95, 10, 8, 3),
           ("Bulgarian Split Squat (Dumbbell)", 20, 5, 10, 3),
           ("Face Pull (Cable)", 30, 2.5, 15, 3),
           ("Glute Bridge", 0, 0, 15, 3),
           (XSS, 45, 5, 10, 2)]


def rows() -> list[list[str]]:
    out: list[list[str]] = []
    start = datetime(2025, 1, 6, 18, 15)
    for week in range(10):
        days = [(0, "Posterior A", LIFTS_A), (3, "Posterior B", LIFTS_B)]
        if week % 3 == 1:
            days.append((5, "Posterior A", LIFTS_A))
        for offset, name, lifts in days:
            when = start + timedelta(weeks=week, days=offset)
            stamp = when.strftime("%Y-%m-%d %I:%M:%S %p").replace(" 0", " ")
            for lift, load, step, reps, sets in lifts:
                weight = load + step * week
                if weight >= 65:
                    out.append([stamp, name, "55m", lift, "W", f"{weight // 2:g}", "8",
                                "0", "0", "", "", ""])
                for n in range(1, sets + 1):
                    done = reps - (1 if n == sets and week % 2 else 0)
                    rpe = "8" if n == sets else ""
                    out.append([stamp, name, "55m", lift, str(n), f"{weight:g}", str(done),
                                "0", "0", "", "", rpe])
    out.insert(7, [out[7][0], "Posterior A", "55m", "Bent Over Row (Barbell)", "4", "65",
                   "ten", "0", "0", "", "", ""])
    return out


def main() -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows())


if __name__ == "__main__":
    main()
