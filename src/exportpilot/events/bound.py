"""A proven upper bound on the weight of any schedule: the LP relaxation of a slot-group-indexed model.

Slots are grouped (slots that the same participants can attend form one group; when that makes too many
groups, calendar days; when even that is too many, chunks of days). Variable ``x[r, g, l]`` says that
request ``r`` is met in group ``g`` (with an interpreter of language ``l`` when it needs one). Each
constraint below holds for every real schedule once its meetings are counted per group, so the LP optimum
bounds every schedule:

- a pair meets at most once; a participant meets at most ``cap`` partners;
- a participant meets at most ``k`` partners in a group, ``k`` = its most non-overlapping slots there;
- a group holds at most the sum of its slots' tables, and per language the sum of its interpreters.

The bound reported is a Lagrangian one computed from the LP's duals ``y >= 0``:
``b·y + Σ_j max(0, c_j - a_j·y)``, valid for *any* ``y >= 0`` (so a solver's tolerance or an LP stopped
at its time limit cannot make it wrong), and never above the simple combinatorial bounds (each side's
best ``cap`` requests, the best requests that fit on all the tables).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from exportpilot.events._model import Compiled, bits, max_disjoint

MAX_GROUPS = 16
MAX_VARIABLES = 1_500_000
PDLP_EPS = 1e-5


@dataclass(slots=True)
class Bound:
    """The bound and the LP solution used to guide the search."""

    value: float
    combinatorial: float
    lp_value: float | None = None
    status: str = "not run"
    groups: list[int] = field(default_factory=list)
    var_r: np.ndarray | None = None
    var_g: np.ndarray | None = None
    var_l: np.ndarray | None = None
    x: np.ndarray | None = None
    seconds: float = 0.0

    def request_values(self, n_requests: int) -> np.ndarray:
        """LP value of each request summed over groups and languages (zeros without an LP)."""
        out = np.zeros(n_requests)
        if self.x is not None and self.var_r is not None:
            np.add.at(out, self.var_r, self.x)
        return out

    def preferred_group(self, n_requests: int) -> np.ndarray:
        """The group with the largest LP value for each request, -1 when none."""
        out = np.full(n_requests, -1, dtype=np.int64)
        if self.x is None or self.var_r is None or self.var_g is None:
            return out
        order = np.argsort(self.x, kind="stable")  # ascending: the largest is written last
        out[self.var_r[order]] = self.var_g[order]
        return out


def combinatorial_bound(c: Compiled) -> float:
    """min(Σ buyers' best ``cap`` weights, Σ exporters' best ``cap`` weights, best weights on all tables)."""
    per: list[list[float]] = [[] for _ in c.ids]
    feasible: list[float] = []
    for r, amask in enumerate(c.ramask):
        if amask:
            w = c.rw[r]
            per[c.rb[r]].append(w)
            per[c.re[r]].append(w)
            feasible.append(w)
    side = [0.0, 0.0]
    for p, ws in enumerate(per):
        if ws:
            ws.sort(reverse=True)
            side[0 if c.is_buyer[p] else 1] += sum(ws[: c.cap[p]])
    seats = sum(min(c.table_cap[q] for q in c.points_of[s]) for s in range(c.n_slots))
    feasible.sort(reverse=True)
    return min(side[0], side[1], float(sum(feasible[:seats])))


def slot_groups(c: Compiled) -> list[int]:
    """Group slots by who can attend them, coarsening to days or chunks of days when there are too many."""
    members: list[list[int]] = [[] for _ in range(c.n_slots)]
    for p, m in enumerate(c.avail):
        for s in bits(m):
            members[s].append(p)
    by_sig: dict[tuple[int, ...], int] = {}
    for s in range(c.n_slots):
        key = tuple(members[s])
        by_sig[key] = by_sig.get(key, 0) | (1 << s)
    groups = list(by_sig.values())
    if len(groups) <= MAX_GROUPS:
        return sorted(groups, key=lambda g: g & -g)
    n_days = max(c.day_of) + 1 if c.day_of else 0
    per_chunk = max(1, -(-n_days // MAX_GROUPS))
    chunks: dict[int, int] = {}
    for s, d in enumerate(c.day_of):
        chunks[d // per_chunk] = chunks.get(d // per_chunk, 0) | (1 << s)
    return [chunks[k] for k in sorted(chunks)]


def lp_bound(c: Compiled, *, time_limit: float = 60.0, threads: int = 1, eps: float = PDLP_EPS) -> Bound:
    """Solve the group-indexed LP relaxation with HiGHS and return a valid bound and the LP solution.

    Parameters
    ----------
    c : Compiled
    time_limit : float
        Seconds for HiGHS; a stopped LP still gives a valid (looser) bound.
    threads : int
    eps : float
        PDLP's relative and absolute optimality tolerance (looser is faster; the bound stays valid).
    """
    t0 = time.perf_counter()
    comb = combinatorial_bound(c)
    groups = slot_groups(c)
    limited = c.interp_cap is not None
    var_r: list[int] = []
    var_g: list[int] = []
    var_l: list[int] = []
    for r, amask in enumerate(c.ramask):
        if not amask:
            continue
        langs = c.rlangs[r]
        for g, gm in enumerate(groups):
            m = amask & gm
            if not m:
                continue
            if c.rneed[r] and limited and len(langs) > 1:
                for lang in langs:
                    if c.interp_mask[lang] & m:
                        var_r.append(r)
                        var_g.append(g)
                        var_l.append(lang)
            else:
                var_r.append(r)
                var_g.append(g)
                var_l.append(langs[0] if (c.rneed[r] and limited) else -1)
    n_var = len(var_r)
    if n_var == 0:
        return Bound(0.0, comb, 0.0, "empty", groups, seconds=time.perf_counter() - t0)
    if n_var > MAX_VARIABLES:
        return Bound(comb, comb, None, "too large", groups, seconds=time.perf_counter() - t0)
    vr = np.asarray(var_r, dtype=np.int64)
    vg = np.asarray(var_g, dtype=np.int64)
    vl = np.asarray(var_l, dtype=np.int64)
    n_req = c.n_requests
    n_part = len(c.ids)
    n_groups = len(groups)
    rb = np.asarray(c.rb, dtype=np.int64)[vr]
    re_ = np.asarray(c.re, dtype=np.int64)[vr]
    cols = np.arange(n_var, dtype=np.int64)
    row_parts: list[np.ndarray] = []
    col_parts: list[np.ndarray] = []
    rhs_parts: list[np.ndarray] = []
    n_rows = 0

    def add_rows(keys: np.ndarray, col: np.ndarray, rhs_of_key: np.ndarray, keep: np.ndarray) -> None:
        """One row per distinct key with ``keep``; entries (key, col)."""
        nonlocal n_rows
        sel = keep[keys]
        k = keys[sel]
        if k.size == 0:
            return
        uniq, inv = np.unique(k, return_inverse=True)
        row_parts.append(inv + n_rows)
        col_parts.append(col[sel])
        rhs_parts.append(rhs_of_key[uniq].astype(np.float64))
        n_rows += uniq.size

    # A pair at most once (only pairs with several variables need a row).
    per_req = np.bincount(vr, minlength=n_req)
    add_rows(vr, cols, np.ones(n_req), per_req > 1)
    # Caps.
    cap = np.asarray(c.cap, dtype=np.float64)
    req_count = np.zeros(n_part, dtype=np.int64)
    uniq_r = np.unique(vr)
    np.add.at(req_count, np.asarray(c.rb)[uniq_r], 1)
    np.add.at(req_count, np.asarray(c.re)[uniq_r], 1)
    keep_p = req_count > cap
    add_rows(rb, cols, cap, keep_p)
    add_rows(re_, cols, cap, keep_p)
    # Per participant and group: its non-overlapping available slots there.
    k_pg = np.zeros(n_part * n_groups)
    for p, m in enumerate(c.avail):
        for g, gm in enumerate(groups):
            k_pg[p * n_groups + g] = max_disjoint(m & gm, c)
    pair_g = np.unique(vr * n_groups + vg)
    cnt_pg = np.zeros(n_part * n_groups, dtype=np.int64)
    np.add.at(cnt_pg, np.asarray(c.rb)[pair_g // n_groups] * n_groups + pair_g % n_groups, 1)
    np.add.at(cnt_pg, np.asarray(c.re)[pair_g // n_groups] * n_groups + pair_g % n_groups, 1)
    keep_pg = (cnt_pg > k_pg) & (k_pg < np.repeat(cap, n_groups))
    add_rows(rb * n_groups + vg, cols, k_pg, keep_pg)
    add_rows(re_ * n_groups + vg, cols, k_pg, keep_pg)
    # Tables per group.
    seats = np.array(
        [sum(min(c.table_cap[q] for q in c.points_of[s]) for s in bits(gm)) for gm in groups],
        dtype=np.float64,
    )
    add_rows(vg, cols, seats, np.ones(n_groups, dtype=bool))
    # Interpreters per group and language.
    if limited and c.interp_cap is not None:
        n_lang = len(c.languages)
        caps = np.zeros(n_groups * n_lang)
        for g, gm in enumerate(groups):
            for lang in range(n_lang):
                caps[g * n_lang + lang] = sum(
                    min(c.interp_cap[lang][q] for q in c.points_of[s]) for s in bits(gm)
                )
        uses = vl >= 0
        add_rows((vg * n_lang + vl)[uses], cols[uses], caps, np.ones(n_groups * n_lang, dtype=bool))

    rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
    cols_all = np.concatenate(col_parts) if col_parts else np.zeros(0, dtype=np.int64)
    rhs = np.concatenate(rhs_parts) if rhs_parts else np.zeros(0)
    order = np.argsort(rows, kind="stable")
    rows, cols_all = rows[order], cols_all[order]
    starts = np.searchsorted(rows, np.arange(n_rows)).astype(np.int32)
    weights = np.asarray(c.rw, dtype=np.float64)[vr]

    import scipy.sparse
    from ortools.pdlp import solve_log_pb2, solvers_pb2
    from ortools.pdlp.python import pdlp

    qp = pdlp.QuadraticProgram()
    qp.objective_vector = -weights  # PDLP minimises
    qp.constraint_matrix = scipy.sparse.csr_matrix(
        (np.ones(rows.size), cols_all, np.append(starts, rows.size)), shape=(n_rows, n_var)
    ).tocsc()
    qp.constraint_lower_bounds = np.full(n_rows, -np.inf)
    qp.constraint_upper_bounds = rhs
    qp.variable_lower_bounds = np.zeros(n_var)
    qp.variable_upper_bounds = np.ones(n_var)
    params = solvers_pb2.PrimalDualHybridGradientParams()
    params.num_threads = max(1, int(threads))
    params.termination_criteria.time_sec_limit = max(0.001, float(time_limit) - (time.perf_counter() - t0))
    params.termination_criteria.simple_optimality_criteria.eps_optimal_relative = eps
    params.termination_criteria.simple_optimality_criteria.eps_optimal_absolute = eps
    result = pdlp.primal_dual_hybrid_gradient(qp, params)
    status = solve_log_pb2.TerminationReason.Name(result.solve_log.termination_reason).removeprefix(
        "TERMINATION_REASON_"
    )
    x = np.clip(np.asarray(result.primal_solution, dtype=np.float64), 0.0, 1.0)
    lp_value = float(weights @ x) if status == "OPTIMAL" else None
    best = comb
    dual = np.asarray(result.dual_solution, dtype=np.float64)
    if dual.size == n_rows:
        for sign in (1.0, -1.0):
            y = np.clip(sign * dual, 0.0, None)
            used = np.bincount(cols_all, weights=y[rows], minlength=n_var)
            lag = float(rhs @ y + np.clip(weights - used, 0.0, None).sum())
            best = min(best, lag)
    return Bound(
        value=best,
        combinatorial=comb,
        lp_value=lp_value,
        status=status,
        groups=groups,
        var_r=vr,
        var_g=vg,
        var_l=vl,
        x=x,
        seconds=time.perf_counter() - t0,
    )
