"""Small hand-made instances and two solver-independent references: brute force and a plain CP-SAT model."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from ortools.sat.python import cp_model

from exportpilot.events.instance import Instance, Participant, Request, Slot

KST = timezone(timedelta(hours=9))
T0 = datetime(2025, 6, 10, 9, 0, tzinfo=KST)


def slots(
    n: int, *, minutes: int = 30, start: datetime = T0, online: bool = False, prefix: str = "s"
) -> list[Slot]:
    step = timedelta(minutes=minutes)
    return [Slot(f"{prefix}{i + 1}", start + i * step, start + (i + 1) * step, online) for i in range(n)]


def buyer(
    pid: str, langs: str = "en", cap: int | None = None, avail: Sequence[str] | None = None, tz: str = "UTC"
):
    return Participant(
        pid, "buyer", tuple(langs.split()), tz, cap, None if avail is None else frozenset(avail)
    )


def exporter(pid: str, langs: str = "ko en", cap: int | None = None, avail: Sequence[str] | None = None):
    return Participant(
        pid, "exporter", tuple(langs.split()), "Asia/Seoul", cap, None if avail is None else frozenset(avail)
    )


def random_instance(
    rng: random.Random,
    *,
    buyers: int,
    exporters: int,
    n_slots: int,
    density: float,
    tables: int,
    interpreters: bool = True,
) -> Instance:
    """A random small instance with caps, partial availability, languages and interpreters."""
    ss = slots(n_slots)
    ids = [s.id for s in ss]
    parts = []
    for i in range(buyers):
        langs = rng.choice(["en", "zh", "es", "zh en", "ko"])
        avail = None if rng.random() < 0.5 else rng.sample(ids, rng.randint(1, n_slots))
        parts.append(buyer(f"b{i}", langs, rng.randint(1, n_slots), avail))
    for j in range(exporters):
        langs = rng.choice(["ko", "ko en", "ko zh"])
        avail = None if rng.random() < 0.5 else rng.sample(ids, rng.randint(1, n_slots))
        parts.append(exporter(f"e{j}", langs, rng.randint(1, n_slots), avail))
    reqs = [
        Request(f"b{i}", f"e{j}", float(rng.randint(1, 9)))
        for i in range(buyers)
        for j in range(exporters)
        if rng.random() < density
    ]
    interp = None
    if interpreters:
        interp = {(lang, s): rng.randint(0, 1) for lang in ("en", "zh", "es") for s in ids}
    return Instance(parts, ss, reqs, tables=tables, interpreters=interp)


def _overlap(a: Slot, b: Slot) -> bool:
    return a.start < b.end and b.start < a.end


def brute_force_optimum(inst: Instance) -> float:
    """The best weight by enumerating every (slot, interpreter language) choice of every request."""
    slot_by_id = {s.id: s for s in inst.slots}
    options: list[list[tuple[str, str | None] | None]] = []
    for r in inst.requests:
        opts: list[tuple[str, str | None] | None] = [None]
        b, e = inst.participant(r.buyer_id), inst.participant(r.exporter_id)
        need = not set(b.languages) & set(e.languages)
        for s in inst.slots:
            if not (inst.can_attend(b.id, s.id) and inst.can_attend(e.id, s.id)):
                continue
            if need:
                opts += [(s.id, lang) for lang in dict.fromkeys(b.languages)]
            else:
                opts.append((s.id, None))
        options.append(opts)
    best = 0.0
    for choice in itertools.product(*options):
        chosen = [(r, c) for r, c in zip(inst.requests, choice, strict=True) if c is not None]
        if _feasible(inst, chosen, slot_by_id):
            best = max(best, sum(r.weight for r, _ in chosen))
    return best


def _feasible(inst: Instance, chosen, slot_by_id) -> bool:  # type: ignore[no-untyped-def]
    count: Counter[str] = Counter()
    for r, _ in chosen:
        count[r.buyer_id] += 1
        count[r.exporter_id] += 1
    for pid, n in count.items():
        cap = inst.participant(pid).max_meetings
        if cap is not None and n > cap:
            return False
    for i, (ra, (sa, _)) in enumerate(chosen):
        for rb, (sb, _) in chosen[i + 1 :]:
            if {ra.buyer_id, ra.exporter_id} & {rb.buyer_id, rb.exporter_id} and _overlap(
                slot_by_id[sa], slot_by_id[sb]
            ):
                return False
    for s in inst.slots:
        covering = [x.id for x in inst.slots if x.start <= s.start < x.end]
        now = [(r, c) for r, c in chosen if c[0] in covering]
        if len(now) > min(inst.tables_in(x) for x in covering):
            return False
        if inst.interpreters is not None:
            langs = Counter(c[1] for _, c in now if c[1] is not None)
            for lang, n in langs.items():
                if n > min(inst.interpreters_in(lang, x) or 0 for x in covering):
                    return False
    return True


def cpsat_optimum(inst: Instance, time_limit: float = 20.0) -> float:
    """The optimum of a plain time-indexed CP-SAT model (non-overlapping slots only)."""
    m = cp_model.CpModel()
    x = {}
    for k, r in enumerate(inst.requests):
        b, e = inst.participant(r.buyer_id), inst.participant(r.exporter_id)
        need = not set(b.languages) & set(e.languages)
        for s in inst.slots:
            if inst.can_attend(b.id, s.id) and inst.can_attend(e.id, s.id):
                for lang in dict.fromkeys(b.languages) if need else [None]:
                    x[(k, s.id, lang)] = m.new_bool_var("")
    by = lambda pred: [v for key, v in x.items() if pred(key)]  # noqa: E731
    for k in range(len(inst.requests)):
        m.add_at_most_one(by(lambda key, k=k: key[0] == k))
    for p in inst.participants:
        mine = lambda key, p=p: p.id in (inst.requests[key[0]].buyer_id, inst.requests[key[0]].exporter_id)  # noqa: E731
        if p.max_meetings is not None:
            m.add(sum(by(mine)) <= p.max_meetings)
        for s in inst.slots:
            m.add_at_most_one(by(lambda key, s=s, mine=mine: mine(key) and key[1] == s.id))
    for s in inst.slots:
        m.add(sum(by(lambda key, s=s: key[1] == s.id)) <= inst.tables_in(s.id))
        if inst.interpreters is not None:
            for lang in {key[2] for key in x if key[2] is not None}:
                m.add(
                    sum(by(lambda key, s=s, lang=lang: key[1] == s.id and key[2] == lang))
                    <= (inst.interpreters_in(lang, s.id) or 0)
                )
    m.maximize(sum(int(inst.requests[key[0]].weight) * v for key, v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    status = solver.solve(m)
    assert status == cp_model.OPTIMAL
    return solver.objective_value
