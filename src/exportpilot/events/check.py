"""An independent feasibility check of a schedule, written against :class:`Instance` alone.

It shares no code with the solver (no bitmasks, no compiled indices): it re-derives every rule from the
datetimes, the ids and the counts, so a bug in the solver's bookkeeping cannot hide here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from exportpilot.events.instance import Instance, Meeting


def check_schedule(
    instance: Instance, meetings: Iterable[Meeting], *, fixed: Sequence[Meeting] = ()
) -> list[str]:
    """Return every rule the schedule breaks (an empty list when it is feasible).

    Parameters
    ----------
    instance : Instance
    meetings : iterable of Meeting
        Each with its ``table`` (1-based) and, when the sides share no language, its ``interpreter``.
    fixed : sequence of Meeting
        Meetings that must appear unchanged (same slot and table).
    """
    meetings = list(meetings)
    problems: list[str] = []
    ids = {p.id: p for p in instance.participants}
    slot_ids = {s.id for s in instance.slots}
    requested = {(r.buyer_id, r.exporter_id) for r in instance.requests}
    fixed_pairs = {m.pair for m in fixed}
    valid: list[Meeting] = []
    for m in meetings:
        b, e = ids.get(m.buyer_id), ids.get(m.exporter_id)
        if b is None or b.kind != "buyer":
            problems.append(f"{m}: {m.buyer_id!r} is not a buyer")
            continue
        if e is None or e.kind != "exporter":
            problems.append(f"{m}: {m.exporter_id!r} is not an exporter")
            continue
        if m.slot_id not in slot_ids:
            problems.append(f"{m}: unknown slot {m.slot_id!r}")
            continue
        if m.pair not in requested and m.pair not in fixed_pairs:
            problems.append(f"{m}: nobody requested this pair")
        for pid in m.pair:
            if not instance.can_attend(pid, m.slot_id):
                problems.append(f"{m}: {pid} is not available in {m.slot_id}")
        if m.table is None or not (1 <= m.table <= instance.tables_in(m.slot_id)):
            problems.append(f"{m}: table {m.table} is not one of 1..{instance.tables_in(m.slot_id)}")
        shared = set(b.languages) & set(e.languages)
        if shared:
            if m.interpreter is not None:
                problems.append(f"{m}: an interpreter although both speak {sorted(shared)}")
        elif m.interpreter is None:
            problems.append(f"{m}: no common language and no interpreter")
        elif m.interpreter not in b.languages:
            problems.append(f"{m}: interpreter language {m.interpreter} is not one the buyer speaks")
        valid.append(m)

    pairs = Counter(m.pair for m in valid)
    problems += [f"pair {p} meets {n} times" for p, n in pairs.items() if n > 1]
    per_person: dict[str, list[Meeting]] = defaultdict(list)
    for m in valid:
        per_person[m.buyer_id].append(m)
        per_person[m.exporter_id].append(m)
    for pid, ms in per_person.items():
        cap = ids[pid].max_meetings
        if cap is not None and len(ms) > cap:
            problems.append(f"{pid} has {len(ms)} meetings, more than max_meetings={cap}")
        for i, a in enumerate(ms):
            for b_ in ms[i + 1 :]:
                if instance.overlaps(a.slot_id, b_.slot_id):
                    problems.append(f"{pid} is in two meetings at once: {a.slot_id} and {b_.slot_id}")

    # Tables and interpreters: at every moment, count the meetings going on.
    # Overlapping slots share the venue: at a moment, the capacity is the smallest of the slots going on.
    by_slot: dict[str, list[Meeting]] = defaultdict(list)
    for m in valid:
        by_slot[m.slot_id].append(m)
    for moment in sorted({s.start for s in instance.slots}):
        covering = [s.id for s in instance.slots if s.start <= moment < s.end]
        now = [m for sid in covering for m in by_slot.get(sid, [])]
        tables = Counter(m.table for m in now)
        problems += [
            f"table {t} holds {n} meetings at {moment.isoformat()}" for t, n in tables.items() if n > 1
        ]
        limit = min(instance.tables_in(sid) for sid in covering)
        if len(now) > limit:
            problems.append(f"{len(now)} meetings at {moment.isoformat()} but {limit} tables")
        if instance.interpreters is not None:
            by_lang = Counter(m.interpreter for m in now if m.interpreter is not None)
            for lang, n in by_lang.items():
                have = min(instance.interpreters_in(lang, sid) or 0 for sid in covering)
                if n > have:
                    problems.append(
                        f"{n} {lang} interpreters needed at {moment.isoformat()}, {have} available"
                    )

    placed = {(m.buyer_id, m.exporter_id, m.slot_id, m.table) for m in valid}
    for f in fixed:
        if (f.buyer_id, f.exporter_id, f.slot_id, f.table) not in placed:
            problems.append(f"fixed meeting {f} was moved or dropped")
    return problems
