"""Generate the demo athlete's 16-week log in Backline's own CSV template.

The dashboard loads this athlete on first run so every page has something true-to-life
to show, and the analytics tests lean on the story it tells: a beginner block (weeks 1-8)
and an intermediate block (weeks 9-16) from ``analytics/programs.toml``, one fully
missed week, one week with a single session, warm-ups before the loaded lifts, double
progression (load goes up only after every working set reached the top of the rep
range), a dip after the missed week and a bent-over row that stalls for the last six
weeks so plateau detection has something to find.

The output must be byte-identical on every run (it is committed and tests compare it),
so everything comes from one seeded ``random.Random`` and a fixed start date; nothing
reads the clock. Run ``python sample_data/generate.py [output.csv]``.
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from analytics.programs import Prescription, load_programs

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "demo_athlete.csv"

SEED = 20260601
START = date(2026, 6, 1)  # a Monday: week 1, day 0
HEADER = [
    "date", "exercise", "set", "weight", "unit", "reps", "rpe",
    "set_type", "duration_s", "notes", "workout",
]

MISSED_WEEK = 6
SINGLE_SESSION_WEEK = 11
PLATEAU_LIFT = "bent-over-row"
PLATEAU_FROM_WEEK = 11
STALL_FATIGUE = 0.03  # capacity lost per stalled session, so no late e1RM PR

# Training days per week as (weekday, start time); Monday is 0.
BEGINNER_DAYS = [(0, time(7, 0)), (3, time(18, 30))]
THREE_DAYS = [(0, time(7, 0)), (2, time(18, 30)), (4, time(7, 0))]
TWO_DAYS = [(0, time(7, 0)), (3, time(18, 30))]
INTERMEDIATE_DAYS: dict[int, list[tuple[int, time]]] = {
    **{week: THREE_DAYS for week in range(9, 17)},
    14: TWO_DAYS,
    SINGLE_SESSION_WEEK: [(0, time(7, 0))],
}

DISPLAY_NAMES = {
    "glute-bridge": "Glute Bridge",
    "romanian-deadlift": "Romanian Deadlift (Barbell)",
    "bent-over-row": "Bent Over Row (Barbell)",
    "wall-sit": "Wall Sit",
    "single-leg-glute-bridge": "Single Leg Glute Bridge",
    "kettlebell-swing": "Kettlebell Swing",
    "superman-hold": "Superman Hold",
    "reverse-lunge": "Reverse Lunge (Dumbbell)",
    "hip-thrust": "Hip Thrust (Barbell)",
    "single-leg-rdl": "Single Leg Romanian Deadlift (Dumbbell)",
    "bulgarian-split-squat": "Bulgarian Split Squat",
    "face-pull": "Face Pull (Cable)",
    "bird-dog": "Bird Dog",
}

# Session "B" of each block leads with the hinge instead of the bridge; the exercises are
# the same, so programme adherence reads every session against the full prescription.
B_ORDER_FIRST = {"beginner": "romanian-deadlift", "intermediate": "romanian-deadlift"}

# Accessories skipped on purpose (week, session number in week, exercise id, note), so
# adherence has an incomplete session to report.
SKIPPED = {(4, 2, "superman-hold"), (14, 2, "bird-dog")}

SESSION_NOTES = {
    (7, 1, "romanian-deadlift"): "First session back after a week off sick",
    (11, 1, "hip-thrust"): "Travelling this week, hotel gym on Monday only",
    (13, 2, "bent-over-row"): 'Grip gave out on the last set, try "hook grip" next time',
    (15, 1, "bent-over-row"): "Stuck at this weight, lower back tired",
    (3, 1, "glute-bridge"): "Pad on the bar helps",
    (10, 3, "hip-thrust"): "Felt strong today",
}


@dataclass
class Lift:
    """What the simulated athlete can do on one exercise, carried from session to session.

    ``capacity`` is the reps (or seconds, for holds) the athlete could manage on a fresh
    first set at ``weight`` today. It grows by ``gain`` per session; a load increase
    costs capacity (Epley-consistent, so e1RM moves smoothly instead of jumping).
    """

    weight: float | None
    increment: float
    capacity: float
    gain: float
    fatigue: float
    warmups: tuple[tuple[float, int], ...] = ()
    floor_weight: float = 0.0
    rounding: float = 2.5
    fixed_drop: float | None = None
    last_reps: list[int] = field(default_factory=list)

    def add_load_if_earned(self, top: int) -> None:
        """Double progression: every working set last time at the top -> more load."""
        if self.weight is None or not self.last_reps or min(self.last_reps) < top:
            return
        new = self.weight + self.increment
        drop = self.fixed_drop or (30 + self.capacity) * self.increment / new
        self.capacity -= drop
        self.weight = new


def initial_lifts() -> dict[str, Lift]:
    """Starting loads and rates, tuned so RDL goes ~40 -> ~70 kg, hip thrust ~60 -> ~100."""
    barbell_ramp = ((0.0, 10), (0.6, 6), (0.8, 3))
    return {
        "glute-bridge": Lift(40, 5, 15.0, 0.55, 0.8, ((0.5, 10),), floor_weight=20,
                             fixed_drop=4.0),
        "romanian-deadlift": Lift(40, 2.5, 13.0, 0.8, 0.7, barbell_ramp, floor_weight=20),
        "bent-over-row": Lift(30, 2.5, 12.5, 0.85, 0.8, ((0.0, 10), (0.7, 6)), floor_weight=20),
        "wall-sit": Lift(None, 0, 33.0, 1.6, 3.0),
        "single-leg-glute-bridge": Lift(None, 0, 10.5, 0.3, 0.6),
        "kettlebell-swing": Lift(16, 4, 17.0, 0.45, 1.0, ((-4, 10),), floor_weight=8,
                                 rounding=4, fixed_drop=5.0),
        "superman-hold": Lift(None, 0, 21.0, 1.1, 2.0),
        "reverse-lunge": Lift(8, 2, 11.0, 0.45, 0.8, ((0.5, 8),), floor_weight=4, rounding=2,
                              fixed_drop=3.0),
        "hip-thrust": Lift(60, 5, 14.0, 1.25, 0.9, ((0.0, 10), (0.5, 8), (0.75, 5)),
                           floor_weight=20),
        "single-leg-rdl": Lift(12, 2, 11.0, 0.5, 0.7, ((0.5, 8),), floor_weight=4, rounding=2,
                               fixed_drop=2.5),
        "bulgarian-split-squat": Lift(10, 2, 10.5, 0.5, 0.8, ((0.5, 6),), floor_weight=4,
                                      rounding=2, fixed_drop=2.5),
        "face-pull": Lift(15, 2.5, 15.0, 0.6, 1.0, ((0.5, 12),), floor_weight=5,
                          fixed_drop=3.5),
        "bird-dog": Lift(None, 0, 10.5, 0.4, 0.4),
    }


def schedule() -> list[tuple[int, int, datetime, str]]:
    """Every session as (week, number within week, start, programme key)."""
    sessions = []
    for week in range(1, 17):
        if week == MISSED_WEEK:
            continue
        programme = "beginner" if week <= 8 else "intermediate"
        days = BEGINNER_DAYS if programme == "beginner" else INTERMEDIATE_DAYS[week]
        for number, (weekday, start) in enumerate(days, start=1):
            day = START + timedelta(weeks=week - 1, days=weekday)
            sessions.append((week, number, datetime.combine(day, start), programme))
    return sessions


def round_to(value: float, step: float) -> float:
    """Round a load to what the gym actually has (plates, dumbbells, bells)."""
    return round(value / step) * step


def fmt_number(value: float | None) -> str:
    """Write 60 rather than 60.0 and 62.5 as is, the way people type into a sheet."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def warmup_sets(lift: Lift) -> list[tuple[float, int]]:
    """Lighter, shorter sets ramping to the working load; empty-bar entries use the bar."""
    assert lift.weight is not None
    sets: list[tuple[float, int]] = []
    for fraction, reps in lift.warmups:
        if fraction < 0:  # a lighter implement, e.g. the next kettlebell down
            load = lift.weight + fraction
        elif fraction == 0:
            load = lift.floor_weight
        else:
            load = round_to(lift.weight * fraction, lift.rounding)
        load = max(load, lift.floor_weight)
        if load >= lift.weight or (sets and load <= sets[-1][0]):
            continue
        sets.append((load, reps))
    return sets


def rpe_for(spare: float) -> float:
    """RPE from reps in reserve, in half steps, clamped to the 6-10 scale."""
    return min(10.0, max(6.0, round((10 - spare) * 2) / 2))


def simulate(rng: random.Random) -> list[list[str]]:
    """Run the whole 16 weeks and return the CSV rows (without the header)."""
    programmes = {key: list(p.exercises) for key, p in load_programs().items()}
    lifts = initial_lifts()
    rows: list[list[str]] = []
    block_session = {"beginner": 0, "intermediate": 0}
    for week, number, start, programme in schedule():
        block_session[programme] += 1
        letter = "A" if block_session[programme] % 2 else "B"
        workout = f"{programme.capitalize()} {letter}"
        order = list(programmes[programme])
        if letter == "B":
            first = next(p for p in order if p.exercise_id == B_ORDER_FIRST[programme])
            order.remove(first)
            order.insert(0, first)
        day_form = rng.uniform(-0.8, 0.6)  # good and bad days, shared by all lifts
        stamp = start.strftime("%Y-%m-%d %H:%M")
        for item in order:
            if (week, number, item.exercise_id) in SKIPPED:
                continue
            lift = lifts[item.exercise_id]
            if week == MISSED_WEEK + 1 and number == 1:
                lift.capacity -= 1.5 if item.timed else 2.0  # detrained after the week off
            stalled = item.exercise_id == PLATEAU_LIFT and week >= PLATEAU_FROM_WEEK
            lift.add_load_if_earned(item.high)
            form = min(day_form, 0.0) if stalled else day_form
            if stalled:  # never the top of the range again: load and e1RM stay put
                lift.capacity = min(lift.capacity, item.high - 0.5)
            if item.timed:
                form *= 3  # seconds, not reps
            note = SESSION_NOTES.get((week, number, item.exercise_id), "")
            set_no = 0
            if lift.weight is not None:
                for load, reps in warmup_sets(lift):
                    set_no += 1
                    rows.append(_row(stamp, item, set_no, load, reps, None, "warmup", "", workout))
            done: list[int] = []
            for k in range(item.sets):
                available = lift.capacity + form - lift.fatigue * k
                spare = rng.choice((0, 1, 1, 2)) if not item.timed else 0
                value = max(1, min(item.high, int(available - spare)))
                done.append(value)
                set_no += 1
                last = k == item.sets - 1
                rpe = None
                logs_rpe = lift.weight is not None and (last or rng.random() < 0.15)
                if logs_rpe and rng.random() < 0.7:
                    rpe = rpe_for(available - value)
                set_type = "working"
                if item.exercise_id == "face-pull" and last and week >= 13 and number == 3:
                    set_type, rpe = "failure", 10.0
                rows.append(_row(stamp, item, set_no, lift.weight, value, rpe, set_type,
                                 note if last else "", workout))
            if item.exercise_id == "hip-thrust" and week >= 13 and number == 1:
                set_no += 1
                drop_load = round_to(lift.weight * 0.6, 5)
                rows.append(_row(stamp, item, set_no, drop_load, item.high + 3, None, "drop",
                                 "", workout))
            lift.last_reps = done
            if stalled:
                lift.capacity -= STALL_FATIGUE  # grinding at one load wears the athlete down
            else:
                lift.capacity += lift.gain * rng.uniform(0.6, 1.4)
    return rows


def _row(stamp: str, item: Prescription, set_no: int, weight: float | None, value: int,
         rpe: float | None, set_type: str, note: str, workout: str) -> list[str]:
    """One template row; holds put the value in duration_s and leave reps blank."""
    return [
        stamp,
        DISPLAY_NAMES[item.exercise_id],
        str(set_no),
        fmt_number(weight),
        "kg",
        "" if item.timed else str(value),
        fmt_number(rpe),
        set_type,
        str(value) if item.timed else "",
        note,
        workout,
    ]


def generate(path: Path = OUTPUT) -> int:
    """Write the demo log to ``path`` and return the number of set rows written."""
    rows = simulate(random.Random(SEED))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    count = generate(target)
    print(f"wrote {count} sets to {target}")
