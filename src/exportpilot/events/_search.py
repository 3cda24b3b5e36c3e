"""Construction and repair moves on a :class:`State`: LP-guided placement, Kempe-chain insertion, swaps.

Placing chosen meetings into slots is bipartite edge colouring (slots are the colours). When a meeting
finds no slot free for both sides, a Kempe chain makes one: with slot ``a`` free for the buyer and ``b``
free for the exporter, the ``a``/``b`` alternating path from the exporter swaps its slots, after which
``a`` is free for both (in a bipartite graph the path never reaches the buyer). Every move goes through
:class:`State`, which refuses anything infeasible, and is rolled back when it does not fit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from exportpilot.events._model import Compiled, bits
from exportpilot.events._state import State, lowest


def choose_slot(st: State, r: int, mask: int) -> int:
    """Among the free slots ``mask``, the one with the most spare tables (interpreters if needed)."""
    c = st.c
    if mask & (mask - 1) == 0:
        return lowest(mask)
    best, score = -1, -1
    need = c.rneed[r] and st.itp_limited
    for s in bits(mask):
        spare = st.spare_tables(s)
        if need:
            assert c.interp_cap is not None
            room = 0
            for lang in c.rlangs[r]:
                if (st.itp_open[lang] >> s) & 1:
                    room = max(
                        room, min(c.interp_cap[lang][q] - st.itp_used[lang][q] for q in c.points_of[s])
                    )
            spare = min(spare, room) * 1000 + spare
        if spare > score:
            best, score = s, spare
    return best


def place(st: State, r: int, mask: int) -> bool:
    """Add ``r`` in the best slot of ``mask`` (already free for it)."""
    s = choose_slot(st, r, mask)
    if s < 0:
        return False
    lang = st.pick_lang(r, s)
    if lang == -2:
        return False
    st.add(r, s, lang)
    return True


def kempe_insert(st: State, r: int, within: int, *, max_path: int = 60, max_tries: int = 12) -> bool:
    """Insert ``r`` in a slot of ``within`` by swapping an alternating path; ``False`` if no try fits."""
    c = st.c
    b, e = c.rb[r], c.re[r]
    allowed = c.ramask[r] & within
    fb = allowed & ~st.blk[b]
    fe = allowed & ~st.blk[e]
    only_b = fb & ~fe
    only_e = fe & ~fb
    if not only_b or not only_e:
        return False
    tries = 0
    at = st.at
    rb, re_ = c.rb, c.re
    for alpha in bits(only_b):
        if not (st.tab_open >> alpha) & 1:
            continue
        for beta in bits(only_e):
            tries += 1
            if tries > max_tries:
                return False
            path: list[int] = []
            node, col, other = e, alpha, beta
            ok = True
            while True:
                r1 = at[node].get(col)
                if r1 is None:
                    break
                if r1 in st.locked:
                    ok = False
                    break
                path.append(r1)
                if len(path) > max_path:
                    ok = False
                    break
                node = rb[r1] if node == re_[r1] else re_[r1]
                col, other = other, col
            if not ok or not path:
                continue
            if _swap_and_add(st, path, alpha, beta, r):
                return True
    return False


def _swap_and_add(st: State, path: Sequence[int], alpha: int, beta: int, r: int) -> bool:
    saved = [(r1, st.slot[r1], st.lang[r1]) for r1 in path]
    for r1 in path:
        st.remove(r1)
    added: list[int] = []
    ok = True
    for r1, s_old, _ in saved:
        if st.try_add(r1, beta if s_old == alpha else alpha):
            added.append(r1)
        else:
            ok = False
            break
    if ok and st.try_add(r, alpha):
        return True
    for r1 in added:
        st.remove(r1)
    for r1, s_old, lang in saved:
        st.add(r1, s_old, lang)
    return False


def insert(st: State, r: int, prefer: int, *, kempe: bool = True) -> bool:
    """Insert ``r`` (sides under cap): a free slot in ``prefer``, else anywhere, else by a Kempe chain."""
    m = st.free(r)
    if m & prefer:
        return place(st, r, m & prefer)
    if kempe and prefer and (relieve_insert(st, r, prefer) or kempe_insert(st, r, prefer)):
        return True
    if m:
        return place(st, r, m)
    if not kempe:
        return False
    rest = st.c.ramask[r] & ~prefer
    return bool(rest) and (relieve_insert(st, r, rest) or kempe_insert(st, r, rest))


def relieve_insert(st: State, r: int, within: int, *, max_slots: int = 4, max_moves: int = 40) -> bool:
    """Insert ``r`` in a slot free for both sides but out of tables or interpreters, by moving another
    meeting of that slot to a slot with room."""
    c = st.c
    b, e = c.rb[r], c.re[r]
    both = c.ramask[r] & within & ~st.blk[b] & ~st.blk[e]
    if not both:
        return False
    langs = c.rlangs[r] if (c.rneed[r] and st.itp_limited) else ()
    for s in bits(both)[:max_slots]:
        interp_full = bool(langs) and not any((st.itp_open[lang] >> s) & 1 for lang in langs)
        tried = 0
        for r2 in list(st.members[s]):
            if r2 in st.locked or (interp_full and st.lang[r2] not in langs):
                continue
            target = st.free(r2) & ~c.conf[s]
            if not target:
                continue
            tried += 1
            lang2 = st.lang[r2]
            st.remove(r2)
            if place(st, r2, st.free(r2) & target):
                if st.try_add(r, s):
                    return True
                st.remove(r2)
            st.add(r2, s, lang2)
            if tried >= max_moves:
                break
    return False


def exchange(st: State, r: int, group_of: Callable[[int], int], deadline: float) -> bool:
    """Insert ``r`` by dropping lighter meetings of the sides at their caps when that gains weight."""
    c = st.c
    if st.slot[r] >= 0 or not c.ramask[r]:
        return False
    w = c.rw[r]
    drops: list[int] = []
    for p in (c.rb[r], c.re[r]):
        if st.deg[p] >= c.cap[p]:
            victims = sorted((x for x in st.at[p].values() if x not in st.locked), key=lambda x: c.rw[x])
            if not victims:
                return False
            drops.append(victims[0])
    if sum(c.rw[x] for x in drops) >= w - 1e-9:
        return False
    saved = [(x, st.slot[x], st.lang[x]) for x in drops]
    for x in drops:
        st.remove(x)
    if insert(st, r, group_of(r)):
        # The dropped meetings may still fit elsewhere.
        for x, _, _ in saved:
            if st.room(x) and time.monotonic() < deadline:
                insert(st, x, group_of(x))
        return True
    for x, s, lang in saved:
        st.add(x, s, lang)
    return False


def requests_of(c: Compiled) -> list[list[int]]:
    """The (feasible) requests of each participant."""
    out: list[list[int]] = [[] for _ in c.ids]
    for r, m in enumerate(c.ramask):
        if m:
            out[c.rb[r]].append(r)
            out[c.re[r]].append(r)
    return out
