"""The solver's view of an instance: integer indices and slot sets as bitmasks (Python ints).

Slots are sorted by start time, so bit ``s`` of a mask is the ``s``-th slot in time. Resources (tables,
interpreters) are counted at *points*, the start times of the slots: the meetings going on at any moment
all contain the latest start before that moment, so a capacity per start point is exact for overlapping
slots. Without overlaps each slot holds exactly one point, its own start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from exportpilot.events.instance import Instance, within_working_hours


def bits(mask: int) -> list[int]:
    """The set bits of ``mask``, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


@dataclass(slots=True)
class Compiled:
    n_slots: int
    slot_ids: list[str]
    slot_index: dict[str, int]
    conf: list[int]  # slots overlapping slot s, s included
    overlapping: bool
    points_of: list[tuple[int, ...]]  # points inside slot s
    slots_at: list[tuple[int, ...]]  # slots containing point q
    table_cap: list[int]  # per point
    slot_tables: list[int]  # per slot, as given
    languages: list[str]
    lang_index: dict[str, int]
    interp_cap: list[list[int]] | None  # [language][point]; None: interpretation free
    ids: list[str]
    index: dict[str, int]
    is_buyer: list[bool]
    avail: list[int]
    cap: list[int]
    rb: list[int]
    re: list[int]
    rw: list[float]
    rneed: list[bool]
    rlangs: list[tuple[int, ...]]  # interpreter languages a meeting may use (empty if none needed)
    ramask: list[int]  # slots where the pair may meet (0: never)
    pair: dict[tuple[int, int], int]
    day_of: list[int]  # per slot, an index of the calendar day of its start
    slot_ends: list[float]  # per slot, POSIX end time
    table_mask: int  # slots with at least one table
    interp_mask: list[int]  # per language, slots with at least one interpreter

    @property
    def n_requests(self) -> int:
        return len(self.rb)

    @property
    def all_slots(self) -> int:
        return (1 << self.n_slots) - 1


def max_disjoint(mask: int, c: Compiled) -> int:
    """The most pairwise non-overlapping slots among ``mask`` (interval scheduling, earliest end first)."""
    if not c.overlapping:
        return mask.bit_count()
    chosen = 0
    blocked = 0
    for s in sorted(bits(mask), key=lambda s: c.slot_ends[s]):
        if not (blocked >> s) & 1:
            chosen += 1
            blocked |= c.conf[s]
    return chosen


def compile_instance(inst: Instance, extra_pairs: Iterable[tuple[str, str]] = ()) -> Compiled:
    """Index an :class:`Instance` for the solver.

    ``extra_pairs`` (buyer id, exporter id) that nobody requested get a request of weight 0 that the
    search never schedules; they exist so that fixed meetings of unrequested pairs can be placed.
    """
    slots = sorted(inst.slots, key=lambda s: (s.start, s.end, s.id))
    n = len(slots)
    slot_ids = [s.id for s in slots]
    slot_index = {sid: i for i, sid in enumerate(slot_ids)}
    conf = [0] * n
    overlapping = False
    for i, a in enumerate(slots):
        m = 1 << i
        for j in range(i + 1, n):
            if slots[j].start >= a.end:
                break
            m |= 1 << j
        conf[i] |= m
        for j in bits(m):
            conf[j] |= 1 << i
        if m != 1 << i:
            overlapping = True
    # Points: distinct start times; point q lies in slot s when s.start <= q < s.end.
    starts = sorted({s.start for s in slots})
    point_of_start = {t: q for q, t in enumerate(starts)}
    points_of: list[tuple[int, ...]] = []
    slots_at_l: list[list[int]] = [[] for _ in starts]
    for i, s in enumerate(slots):
        pts = (
            tuple(q for q, t in enumerate(starts) if s.start <= t < s.end)
            if overlapping
            else (point_of_start[s.start],)
        )
        points_of.append(pts)
        for q in pts:
            slots_at_l[q].append(i)
    slots_at = [tuple(x) for x in slots_at_l]
    slot_tables = [inst.tables_in(sid) for sid in slot_ids]
    table_cap = [min(slot_tables[i] for i in slots_at[q]) for q in range(len(starts))]

    languages: list[str] = sorted(
        {lang for p in inst.participants for lang in p.languages}
        | ({lang for lang, _ in inst.interpreters} if inst.interpreters else set())
    )
    lang_index = {lang: k for k, lang in enumerate(languages)}
    interp_cap: list[list[int]] | None = None
    if inst.interpreters is not None:
        per_slot = [[0] * n for _ in languages]
        for (lang, sid), count in inst.interpreters.items():
            per_slot[lang_index[lang]][slot_index[sid]] += int(count)
        interp_cap = [[min(row[i] for i in slots_at[q]) for q in range(len(starts))] for row in per_slot]

    ids = [p.id for p in inst.participants]
    index = {pid: k for k, pid in enumerate(ids)}
    is_buyer = [p.kind == "buyer" for p in inst.participants]
    all_mask = (1 << n) - 1
    online_mask = sum(1 << i for i, s in enumerate(slots) if s.online)
    avail: list[int] = []
    for p in inst.participants:
        m = all_mask if p.available_slots is None else sum(1 << slot_index[sid] for sid in p.available_slots)
        if online_mask & m:
            tz = ZoneInfo(p.timezone)
            hours = p.working_hours or inst.working_hours
            for i in bits(online_mask & m):
                if not within_working_hours(slots[i], tz, hours):
                    m &= ~(1 << i)
        avail.append(m)

    day_keys = sorted({s.start.date() for s in slots})
    day_idx = {d: k for k, d in enumerate(day_keys)}
    c = Compiled(
        n_slots=n,
        slot_ids=slot_ids,
        slot_index=slot_index,
        conf=conf,
        overlapping=overlapping,
        points_of=points_of,
        slots_at=slots_at,
        table_cap=table_cap,
        slot_tables=slot_tables,
        languages=languages,
        lang_index=lang_index,
        interp_cap=interp_cap,
        ids=ids,
        index=index,
        is_buyer=is_buyer,
        avail=avail,
        cap=[],
        rb=[],
        re=[],
        rw=[],
        rneed=[],
        rlangs=[],
        ramask=[],
        pair={},
        day_of=[day_idx[s.start.date()] for s in slots],
        slot_ends=[s.end.timestamp() for s in slots],
        table_mask=sum(1 << i for i in range(n) if all(table_cap[q] > 0 for q in points_of[i])),
        interp_mask=[
            sum(1 << i for i in range(n) if all(row[q] > 0 for q in points_of[i]))
            for row in (interp_cap if interp_cap is not None else [])
        ],
    )
    c.cap = [
        min(max_disjoint(avail[k], c), p.max_meetings if p.max_meetings is not None else n)
        for k, p in enumerate(inst.participants)
    ]
    lang_sets = [frozenset(lang_index[x] for x in p.languages) for p in inst.participants]
    buyer_langs = [
        tuple(sorted(lang_index[x] for x in dict.fromkeys(p.languages))) for p in inst.participants
    ]
    for r in inst.requests:
        b, e = index[r.buyer_id], index[r.exporter_id]
        need = not (lang_sets[b] & lang_sets[e])
        langs = buyer_langs[b] if need else ()
        amask = avail[b] & avail[e] & c.table_mask
        if need and interp_cap is not None:
            usable = 0
            for k in langs:
                usable |= c.interp_mask[k]
            amask &= usable
        if need and not langs:
            amask = 0
        c.pair[(b, e)] = len(c.rb)
        c.rb.append(b)
        c.re.append(e)
        c.rw.append(float(r.weight))
        c.rneed.append(need)
        c.rlangs.append(langs)
        c.ramask.append(amask)
    for b_id, e_id in extra_pairs:
        b, e = index[b_id], index[e_id]
        if (b, e) in c.pair:
            continue
        need = not (lang_sets[b] & lang_sets[e])
        c.pair[(b, e)] = len(c.rb)
        c.rb.append(b)
        c.re.append(e)
        c.rw.append(0.0)
        c.rneed.append(need)
        c.rlangs.append(buyer_langs[b] if need else ())
        c.ramask.append(0)
    return c
