"""A mutable schedule over a :class:`~exportpilot.events._model.Compiled` instance, kept feasible.

Every operation keeps the invariants (one meeting per participant at a time, caps are checked by the
callers, tables and interpreters per point), so whatever the search does, ``State`` is a schedule.
"""

from __future__ import annotations

from exportpilot.events._model import Compiled, bits


class State:
    __slots__ = (
        "c",
        "slot",
        "lang",
        "deg",
        "occ",
        "blk",
        "at",
        "tab_used",
        "tab_open",
        "itp_used",
        "itp_open",
        "itp_limited",
        "weight",
        "count",
        "members",
        "locked",
    )

    def __init__(self, c: Compiled) -> None:
        self.c = c
        n_req = c.n_requests
        n_part = len(c.ids)
        n_pts = len(c.table_cap)
        self.slot = [-1] * n_req
        self.lang = [-1] * n_req
        self.deg = [0] * n_part
        self.occ = [0] * n_part
        self.blk = [0] * n_part
        self.at: list[dict[int, int]] = [{} for _ in range(n_part)]
        self.tab_used = [0] * n_pts
        self.tab_open = c.table_mask
        self.itp_limited = c.interp_cap is not None
        self.itp_used = [[0] * n_pts for _ in c.languages] if self.itp_limited else []
        self.itp_open = list(c.interp_mask) if self.itp_limited else []
        self.weight = 0.0
        self.count = 0
        self.members: list[set[int]] = [set() for _ in range(c.n_slots)]
        self.locked: set[int] = set()  # meetings that moves must not touch

    # -- queries -------------------------------------------------------------------------------------
    def free(self, r: int) -> int:
        """Slots where request ``r`` could be added now (ignoring caps)."""
        c = self.c
        b, e = c.rb[r], c.re[r]
        m = c.ramask[r] & ~self.blk[b] & ~self.blk[e] & self.tab_open
        if m and self.itp_limited and c.rneed[r]:
            o = 0
            for lang in c.rlangs[r]:
                o |= self.itp_open[lang]
            m &= o
        return m

    def room(self, r: int) -> bool:
        """Whether both sides of ``r`` are under their caps."""
        c = self.c
        return self.deg[c.rb[r]] < c.cap[c.rb[r]] and self.deg[c.re[r]] < c.cap[c.re[r]]

    def pick_lang(self, r: int, s: int) -> int:
        """The interpreter language for ``r`` in slot ``s`` (most spare interpreters), -1 if none needed."""
        c = self.c
        if not c.rneed[r]:
            return -1
        langs = c.rlangs[r]
        if not self.itp_limited:
            return langs[0]
        if len(langs) == 1:
            return langs[0] if (self.itp_open[langs[0]] >> s) & 1 else -2
        best, spare = -2, 0
        assert c.interp_cap is not None
        for lang in langs:
            if (self.itp_open[lang] >> s) & 1:
                room = min(c.interp_cap[lang][q] - self.itp_used[lang][q] for q in c.points_of[s])
                if room > spare:
                    best, spare = lang, room
        return best

    def spare_tables(self, s: int) -> int:
        c = self.c
        return min(c.table_cap[q] - self.tab_used[q] for q in c.points_of[s])

    # -- moves ---------------------------------------------------------------------------------------
    def add(self, r: int, s: int, lang: int) -> None:
        c = self.c
        b, e = c.rb[r], c.re[r]
        bit = 1 << s
        self.slot[r] = s
        self.lang[r] = lang
        self.deg[b] += 1
        self.deg[e] += 1
        self.occ[b] |= bit
        self.occ[e] |= bit
        cf = c.conf[s]
        self.blk[b] |= cf
        self.blk[e] |= cf
        self.at[b][s] = r
        self.at[e][s] = r
        self.weight += c.rw[r]
        self.count += 1
        self.members[s].add(r)
        for q in c.points_of[s]:
            self.tab_used[q] += 1
            if self.tab_used[q] >= c.table_cap[q]:
                for t in c.slots_at[q]:
                    self.tab_open &= ~(1 << t)
            if lang >= 0 and self.itp_limited:
                assert c.interp_cap is not None
                used = self.itp_used[lang]
                used[q] += 1
                if used[q] >= c.interp_cap[lang][q]:
                    for t in c.slots_at[q]:
                        self.itp_open[lang] &= ~(1 << t)

    def remove(self, r: int) -> int:
        """Remove meeting ``r``; return its slot."""
        c = self.c
        s = self.slot[r]
        lang = self.lang[r]
        b, e = c.rb[r], c.re[r]
        bit = 1 << s
        self.slot[r] = -1
        self.lang[r] = -1
        self.deg[b] -= 1
        self.deg[e] -= 1
        self.occ[b] &= ~bit
        self.occ[e] &= ~bit
        del self.at[b][s]
        del self.at[e][s]
        if c.overlapping:
            self.blk[b] = self._closure(self.occ[b])
            self.blk[e] = self._closure(self.occ[e])
        else:
            self.blk[b] = self.occ[b]
            self.blk[e] = self.occ[e]
        self.weight -= c.rw[r]
        self.count -= 1
        self.members[s].discard(r)
        for q in c.points_of[s]:
            self.tab_used[q] -= 1
            for t in c.slots_at[q]:
                if (c.table_mask >> t) & 1 and all(self.tab_used[p] < c.table_cap[p] for p in c.points_of[t]):
                    self.tab_open |= 1 << t
            if lang >= 0 and self.itp_limited:
                assert c.interp_cap is not None
                used = self.itp_used[lang]
                used[q] -= 1
                cap = c.interp_cap[lang]
                for t in c.slots_at[q]:
                    if all(used[p] < cap[p] for p in c.points_of[t]):
                        self.itp_open[lang] |= 1 << t
        return s

    def _closure(self, occ: int) -> int:
        m = 0
        for s in bits(occ):
            m |= self.c.conf[s]
        return m

    def try_add(self, r: int, s: int) -> bool:
        """Add ``r`` in ``s`` when the slot is free for it; return whether it was added."""
        if not (self.free(r) >> s) & 1:
            return False
        lang = self.pick_lang(r, s)
        if lang == -2:
            return False
        self.add(r, s, lang)
        return True

    def scheduled(self) -> list[int]:
        return [r for r, s in enumerate(self.slot) if s >= 0]

    def snapshot(self) -> tuple[list[int], list[int]]:
        return list(self.slot), list(self.lang)

    def copy(self) -> State:
        new = State.__new__(State)
        new.c = self.c
        new.slot = list(self.slot)
        new.lang = list(self.lang)
        new.deg = list(self.deg)
        new.occ = list(self.occ)
        new.blk = list(self.blk)
        new.at = [dict(d) for d in self.at]
        new.tab_used = list(self.tab_used)
        new.tab_open = self.tab_open
        new.itp_limited = self.itp_limited
        new.itp_used = [list(u) for u in self.itp_used]
        new.itp_open = list(self.itp_open)
        new.weight = self.weight
        new.count = self.count
        new.members = [set(m) for m in self.members]
        new.locked = set(self.locked)
        return new


def lowest(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def greedy(state: State, order: list[int]) -> None:
    """b2match-style: each request in ``order`` goes to the first slot where both sides are free."""
    c = state.c
    rb, re_, cap, deg = c.rb, c.re, c.cap, state.deg
    for r in order:
        if state.slot[r] >= 0:
            continue
        b, e = rb[r], re_[r]
        if deg[b] >= cap[b] or deg[e] >= cap[e]:
            continue
        m = state.free(r)
        while m:
            s = lowest(m)
            lang = state.pick_lang(r, s)
            if lang != -2:
                state.add(r, s, lang)
                break
            m &= m - 1
