"""A deterministic generator of export-consultation-meeting instances (Boom-up Korea scale and smaller).

Generated, not real: the shape follows what the agency describes — many buyers from a dozen language
areas, Korean exporters (some speak English, a few Chinese or Japanese), exporters attending one to three
days, buyers mostly all days, a few participants missing half a day, popular exporters receiving many
requests (log-normal popularity), requests mostly within the buyer's sectors, about 15 % mutual requests
that weigh more, tables and interpreters binding.

    python benchmarks/scheduler_instance.py --out DIR [--buyers 4000 --exporters 7000 ...]

writes ``participants.csv``, ``slots.csv``, ``requests.csv`` and ``interpreters.csv`` in the format of
``exportpilot events schedule``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from exportpilot.events.csvio import write_instance_csv
from exportpilot.events.instance import Instance, Participant, Request, Slot

KST = timezone(timedelta(hours=9))
# (language, share of buyers, a time zone of that language area)
BUYER_LANGUAGES = [
    ("en", 0.28, "America/New_York"),
    ("zh", 0.14, "Asia/Shanghai"),
    ("ja", 0.10, "Asia/Tokyo"),
    ("es", 0.08, "America/Mexico_City"),
    ("vi", 0.08, "Asia/Ho_Chi_Minh"),
    ("ar", 0.06, "Asia/Dubai"),
    ("ru", 0.05, "Europe/Moscow"),
    ("id", 0.05, "Asia/Jakarta"),
    ("th", 0.04, "Asia/Bangkok"),
    ("fr", 0.04, "Europe/Paris"),
    ("de", 0.04, "Europe/Berlin"),
    ("pt", 0.04, "America/Sao_Paulo"),
]
SECTORS = 12


def _slots(days: int, per_day: int) -> list[Slot]:
    morning = per_day * 3 // 8
    out = []
    first = datetime(2025, 6, 10, tzinfo=KST)
    for d in range(days):
        day = first + timedelta(days=d)
        for k in range(per_day):
            start = day + (
                timedelta(hours=9, minutes=30 * k)
                if k < morning
                else timedelta(hours=13, minutes=30 * (k - morning))
            )
            out.append(Slot(f"d{d + 1}s{k + 1:02d}", start, start + timedelta(minutes=30)))
    return out


def _availability(
    rng: random.Random, days: int, per_day: int, day_probs: list[float]
) -> frozenset[str] | None:
    n_days = rng.choices(range(1, len(day_probs) + 1), weights=day_probs)[0]
    n_days = min(n_days, days)
    chosen = sorted(rng.sample(range(days), n_days))
    morning = per_day * 3 // 8
    ids = {f"d{d + 1}s{k + 1:02d}" for d in chosen for k in range(per_day)}
    if rng.random() < 0.2:  # misses half a day
        d = rng.choice(chosen)
        half = range(morning) if rng.random() < 0.5 else range(morning, per_day)
        ids -= {f"d{d + 1}s{k + 1:02d}" for k in half}
    return None if len(ids) == days * per_day else frozenset(ids)


def generate(
    *,
    buyers: int = 4000,
    exporters: int = 7000,
    requests: int = 60000,
    days: int = 3,
    slots_per_day: int = 16,
    tables: int = 600,
    interpreter_share: float = 0.8,
    seed: int = 0,
) -> Instance:
    """Generate an instance; the same arguments always give the same instance.

    Parameters
    ----------
    interpreter_share : float
        Interpreters per language and slot, as a share of the interpreted meetings a full slot would hold
        if meetings followed the requests' language mix (below 1 makes interpreters binding).
    """
    rng = random.Random(seed)
    slots = _slots(days, slots_per_day)
    langs = [x[0] for x in BUYER_LANGUAGES]
    parts: list[Participant] = []
    buyer_sectors: list[tuple[int, ...]] = []
    for i in range(buyers):
        k = rng.choices(range(len(BUYER_LANGUAGES)), weights=[x[1] for x in BUYER_LANGUAGES])[0]
        lang, _, tz = BUYER_LANGUAGES[k]
        spoken = [lang]
        if lang != "en" and rng.random() < 0.45:
            spoken.append("en")
        if rng.random() < 0.03:
            spoken.append("ko")
        parts.append(
            Participant(
                id=f"B{i + 1:05d}",
                kind="buyer",
                languages=tuple(spoken),
                timezone=tz,
                max_meetings=rng.randint(8, 16),
                available_slots=_availability(rng, days, slots_per_day, [0.15, 0.30, 0.55]),
            )
        )
        first = rng.randrange(SECTORS)
        buyer_sectors.append((first,) if rng.random() < 0.6 else (first, rng.randrange(SECTORS)))
    exporter_sector: list[int] = []
    for i in range(exporters):
        spoken = ["ko"]
        if rng.random() < 0.4:
            spoken.append("en")
        if rng.random() < 0.06:
            spoken.append("zh")
        if rng.random() < 0.06:
            spoken.append("ja")
        parts.append(
            Participant(
                id=f"E{i + 1:05d}",
                kind="exporter",
                languages=tuple(spoken),
                timezone="Asia/Seoul",
                max_meetings=rng.randint(4, 12),
                available_slots=_availability(rng, days, slots_per_day, [0.5, 0.3, 0.2]),
            )
        )
        exporter_sector.append(rng.randrange(SECTORS))

    popularity = [rng.lognormvariate(0.0, 1.1) for _ in range(exporters)]
    activity = [rng.lognormvariate(0.0, 0.6) for _ in range(buyers)]
    by_sector: list[list[int]] = [[] for _ in range(SECTORS)]
    for e, sec in enumerate(exporter_sector):
        by_sector[sec].append(e)
    sector_cum = [list(itertools.accumulate(popularity[e] for e in members)) for members in by_sector]
    all_cum = list(itertools.accumulate(popularity))
    buyers_by_sector: list[list[int]] = [[] for _ in range(SECTORS)]
    for b, secs in enumerate(buyer_sectors):
        for sec in secs:
            buyers_by_sector[sec].append(b)
    buyer_cum = list(itertools.accumulate(activity))

    wishes: dict[tuple[int, int], list[int]] = {}  # (buyer, exporter) -> [buyer priority, exporter priority]
    target = requests
    while len(wishes) < target:
        if rng.random() < 0.7:  # a buyer asks for an exporter
            b = rng.choices(range(buyers), cum_weights=buyer_cum)[0]
            if rng.random() < 0.85:
                sec = rng.choice(buyer_sectors[b])
                e = rng.choices(by_sector[sec], cum_weights=sector_cum[sec])[0]
            else:
                e = rng.choices(range(exporters), cum_weights=all_cum)[0]
            side = 0
        else:  # an exporter asks for a buyer of its sector
            e = (
                rng.choices(range(exporters), cum_weights=all_cum)[0]
                if rng.random() < 0.5
                else rng.randrange(exporters)
            )
            pool = buyers_by_sector[exporter_sector[e]] or list(range(buyers))
            b = rng.choice(pool)
            side = 1
        prio = rng.choices([1, 2, 3], weights=[0.5, 0.3, 0.2])[0]
        w = wishes.setdefault((b, e), [0, 0])
        w[side] = max(w[side], prio)
        if rng.random() < 0.12:  # the other side asks too: mutual interest
            w[1 - side] = max(w[1 - side], rng.choices([1, 2, 3], weights=[0.4, 0.35, 0.25])[0])
    reqs = []
    for (b, e), (pb, pe) in wishes.items():
        weight = pb + pe + (2 if pb and pe else 0)
        reqs.append(Request(parts[b].id, parts[buyers + e].id, float(weight)))

    interpreters = _interpreters(parts, buyers, reqs, slots, langs, tables, interpreter_share)
    return Instance(parts, slots, reqs, tables=tables, interpreters=interpreters)


def _interpreters(
    parts: list[Participant],
    buyers: int,
    reqs: list[Request],
    slots: list[Slot],
    langs: list[str],
    tables: int,
    share: float,
) -> dict[tuple[str, str], int]:
    by_id = {p.id: p for p in parts}
    need = dict.fromkeys(langs, 0)
    for r in reqs:
        b, e = by_id[r.buyer_id], by_id[r.exporter_id]
        if not set(b.languages) & set(e.languages):
            need[b.languages[0]] = need.get(b.languages[0], 0) + 1
    total = len(reqs)
    out = {}
    for lang, n in need.items():
        per_slot = max(1, math.floor(share * tables * n / total))
        for s in slots:
            out[(lang, s.id)] = per_slot
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--buyers", type=int, default=4000)
    parser.add_argument("--exporters", type=int, default=7000)
    parser.add_argument("--requests", type=int, default=60000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--slots-per-day", type=int, default=16)
    parser.add_argument("--tables", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    inst = generate(
        buyers=a.buyers,
        exporters=a.exporters,
        requests=a.requests,
        days=a.days,
        slots_per_day=a.slots_per_day,
        tables=a.tables,
        seed=a.seed,
    )
    write_instance_csv(inst, a.out)
    print(f"wrote {a.out} at {datetime.now(UTC).isoformat(timespec='seconds')}")


if __name__ == "__main__":
    main()
