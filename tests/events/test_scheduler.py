from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import time as clock
from datetime import timedelta

import pytest

from exportpilot.events.check import check_schedule
from exportpilot.events.instance import Instance, InvalidInstance, Meeting, Request, Slot
from exportpilot.events.scheduler import Scheduler
from tests.events.helpers import (
    T0,
    brute_force_optimum,
    buyer,
    cpsat_optimum,
    exporter,
    random_instance,
    slots,
)


def solve(inst: Instance, time_limit: float = 5.0, **kw):  # type: ignore[no-untyped-def]
    result = Scheduler(time_limit=time_limit, **kw).solve(inst)
    assert check_schedule(inst, result.meetings) == []
    assert result.greedy_weight <= result.weight + 1e-9 <= result.upper_bound + 2e-9
    return result


class TestKnownOptimum:
    @pytest.mark.parametrize("seed", range(8))
    def test_matches_brute_force_on_tiny_instances(self, seed: int) -> None:
        inst = random_instance(random.Random(seed), buyers=3, exporters=3, n_slots=2, density=0.6, tables=2)
        assert len(inst.requests) <= 8
        best = brute_force_optimum(inst)
        result = solve(inst)
        assert result.weight == pytest.approx(best)
        assert result.upper_bound >= best - 1e-6

    @pytest.mark.parametrize("seed", range(4))
    def test_matches_plain_cpsat_on_small_instances(self, seed: int) -> None:
        inst = random_instance(
            random.Random(100 + seed), buyers=7, exporters=8, n_slots=4, density=0.45, tables=3
        )
        best = cpsat_optimum(inst)
        result = solve(inst, time_limit=8.0)
        assert result.weight == pytest.approx(best)
        assert result.upper_bound >= best - 1e-6

    def test_greedy_first_common_slot_is_beaten(self) -> None:
        # b1 has one slot that greedy's first pick (the heavier pair in s1) takes away from b2-e1.
        ss = slots(2)
        inst = Instance(
            [buyer("b1", avail=["s1", "s2"]), buyer("b2", avail=["s1"]), exporter("e1"), exporter("e2")],
            ss,
            [Request("b1", "e1", 5), Request("b2", "e1", 4), Request("b1", "e2", 3)],
            tables=5,
        )
        result = solve(inst)
        assert result.greedy_weight == 8  # b1-e1 in s1 blocks b2-e1; b1-e2 in s2
        assert result.weight == 12 and result.optimal


class TestConstraints:
    def test_one_meeting_per_participant_per_slot(self) -> None:
        inst = Instance(
            [buyer("b1"), exporter("e1"), exporter("e2"), exporter("e3")],
            slots(2),
            [Request("b1", e, 1) for e in ("e1", "e2", "e3")],
            tables=10,
        )
        assert len(solve(inst).meetings) == 2

    def test_tables_per_slot(self) -> None:
        parts = [buyer(f"b{i}") for i in range(4)] + [exporter(f"e{i}") for i in range(4)]
        inst = Instance(parts, slots(1), [Request(f"b{i}", f"e{i}", 1) for i in range(4)], tables=3)
        result = solve(inst)
        assert len(result.meetings) == 3
        assert sorted(m.table for m in result.meetings) == [1, 2, 3]

    def test_interpreters_per_language_and_slot(self) -> None:
        parts = [
            buyer("b1", "es"),
            buyer("b2", "es"),
            buyer("b3", "en"),
            exporter("e1", "ko"),
            exporter("e2", "ko"),
            exporter("e3", "ko"),
        ]
        reqs = [Request("b1", "e1", 1), Request("b2", "e2", 1), Request("b3", "e3", 1)]
        inst = Instance(parts, slots(1), reqs, tables=10, interpreters={("es", "s1"): 1})
        result = solve(inst)
        assert len(result.meetings) == 1 and result.meetings[0].interpreter == "es"

    def test_interpreter_uses_a_buyer_language_and_none_when_shared(self) -> None:
        parts = [buyer("b1", "vi en"), buyer("b2", "en"), exporter("e1", "ko"), exporter("e2", "ko en")]
        reqs = [Request("b1", "e1", 1), Request("b2", "e2", 1)]
        inst = Instance(parts, slots(1), reqs, tables=10, interpreters={("vi", "s1"): 0, ("en", "s1"): 1})
        by_pair = {m.pair: m for m in solve(inst).meetings}
        assert by_pair[("b1", "e1")].interpreter == "en"
        assert by_pair[("b2", "e2")].interpreter is None

    def test_without_interpreter_data_interpretation_is_free(self) -> None:
        inst = Instance(
            [buyer("b1", "ar"), exporter("e1", "ko")], slots(1), [Request("b1", "e1", 1)], tables=1
        )
        (m,) = solve(inst).meetings
        assert m.interpreter == "ar"

    def test_caps_and_availability(self) -> None:
        parts = [buyer("b1", cap=2), exporter("e1", avail=["s3"]), exporter("e2"), exporter("e3")]
        reqs = [Request("b1", e, w) for e, w in (("e1", 1), ("e2", 5), ("e3", 4))]
        result = solve(Instance(parts, slots(3), reqs, tables=5))
        assert {m.exporter_id for m in result.meetings} == {"e2", "e3"}

    def test_overlapping_slots_count_as_the_same_time(self) -> None:
        a = Slot("a", T0, T0 + timedelta(minutes=30))
        b = Slot("b", T0 + timedelta(minutes=15), T0 + timedelta(minutes=45))
        inst = Instance(
            [buyer("b1"), exporter("e1"), exporter("e2")],
            [a, b],
            [Request("b1", "e1", 1), Request("b1", "e2", 1)],
            tables=5,
        )
        assert len(solve(inst).meetings) == 1
        # ...and they share the tables: one table, two different pairs.
        inst = Instance(
            [buyer("b1"), buyer("b2"), exporter("e1"), exporter("e2")],
            [a, b],
            [Request("b1", "e1", 1), Request("b2", "e2", 1)],
            tables=1,
        )
        assert len(solve(inst).meetings) == 1

    def test_online_slots_respect_local_working_hours(self) -> None:
        # 09:00 KST = 02:00 in Paris (outside 08-20) and 20:00 in New York the day before (end at 20:30: out).
        online = slots(2, online=True)
        later = slots(1, start=T0 + timedelta(hours=8), online=True, prefix="late")  # 17:00 KST = 10:00 Paris
        parts = [
            buyer("b1", tz="Europe/Paris"),
            buyer("b2", tz="America/New_York"),
            exporter("e1"),
            exporter("e2"),
        ]
        inst = Instance(parts, online + later, [Request("b1", "e1", 1), Request("b2", "e2", 1)], tables=5)
        result = solve(inst)
        assert [(m.pair, m.slot_id) for m in result.meetings] == [(("b1", "e1"), "late1")]
        custom = Instance(
            [parts[0], replace(parts[1], working_hours=(clock(19), clock(23))), *parts[2:]],
            online + later,
            inst.requests,
            tables=5,
        )
        assert {m.pair for m in solve(custom).meetings} == {("b1", "e1"), ("b2", "e2")}

    def test_random_instances_are_feasible(self) -> None:
        for seed in range(3):
            inst = random_instance(
                random.Random(seed), buyers=25, exporters=30, n_slots=6, density=0.25, tables=6
            )
            solve(inst, time_limit=1.5)


class TestDegenerate:
    @pytest.mark.parametrize(
        "inst",
        [
            Instance([], [], []),
            Instance([buyer("b1"), exporter("e1")], [], [Request("b1", "e1", 1)]),
            Instance([buyer("b1"), exporter("e1")], slots(2), [Request("b1", "e1", 2.5)], tables=0),
            Instance([buyer("b1", cap=0), exporter("e1")], slots(2), [Request("b1", "e1", 1)], tables=1),
            Instance([buyer("b1", ""), exporter("e1", "ko")], slots(1), [Request("b1", "e1", 1)], tables=1),
        ],
    )
    def test_nothing_to_schedule(self, inst: Instance) -> None:
        result = solve(inst, time_limit=1.0)
        assert result.meetings == [] and result.weight == 0.0 and result.upper_bound == 0.0

    def test_fractional_weights(self) -> None:
        parts = [buyer("b1"), buyer("b2"), exporter("e1")]
        inst = Instance(parts, slots(1), [Request("b1", "e1", 0.25), Request("b2", "e1", 0.3)], tables=1)
        result = solve(inst)
        assert [m.buyer_id for m in result.meetings] == ["b2"] and result.optimal


class TestAnytime:
    def test_tiny_time_limit_still_returns_a_feasible_schedule(self) -> None:
        inst = random_instance(
            random.Random(7), buyers=120, exporters=200, n_slots=12, density=0.08, tables=20
        )
        started = time.monotonic()
        result = Scheduler(time_limit=0.2).solve(inst)
        assert time.monotonic() - started < 2.0
        assert check_schedule(inst, result.meetings) == []
        assert result.weight >= result.greedy_weight > 0
        assert result.weight <= result.upper_bound

    def test_more_time_is_never_worse_and_history_increases(self) -> None:
        inst = random_instance(random.Random(8), buyers=60, exporters=80, n_slots=8, density=0.15, tables=10)
        result = solve(inst, time_limit=3.0)
        weights = [w for _, w in result.history]
        assert weights == sorted(weights) and weights[-1] == result.weight
        assert set(result.timings) >= {"compile", "greedy", "bound", "construct", "lns", "tables"}


class TestRescheduling:
    def _base(self) -> Instance:
        return random_instance(random.Random(11), buyers=20, exporters=25, n_slots=6, density=0.3, tables=5)

    def test_fixed_meetings_keep_slot_and_table_and_few_others_move(self) -> None:
        inst = self._base()
        first = solve(inst, time_limit=2.0)
        fixed = first.meetings[::3]
        # A late request and a cancellation: one buyer leaves, two new requests arrive.
        gone = first.meetings[1].buyer_id
        reqs = [r for r in inst.requests if r.buyer_id != gone]
        extra = [
            (b, e)
            for b in ("b0", "b1", "b2")
            for e in ("e0", "e1", "e2")
            if (b, e) not in {(r.buyer_id, r.exporter_id) for r in inst.requests}
        ][:2]
        new = [Request(b, e, 9) for b, e in extra]
        fixed = [f for f in fixed if f.buyer_id != gone]
        changed = Instance(
            inst.participants, inst.slots, reqs + new, tables=inst.tables, interpreters=inst.interpreters
        )
        again = Scheduler(time_limit=2.0, move_penalty=100.0).solve(
            changed, fixed=fixed, previous=first.meetings
        )
        assert check_schedule(changed, again.meetings, fixed=fixed) == []
        kept = {(m.buyer_id, m.exporter_id, m.slot_id, m.table) for m in again.meetings}
        assert all((f.buyer_id, f.exporter_id, f.slot_id, f.table) in kept for f in fixed)
        # With a high move penalty nothing still requested moves; without a previous schedule many do.
        assert again.moved == 0
        fresh = Scheduler(time_limit=2.0, seed=5).solve(changed, fixed=fixed)
        before = {m.pair: m.slot_id for m in first.meetings}
        moved_fresh = sum(1 for m in fresh.meetings if m.pair in before and before[m.pair] != m.slot_id)
        assert moved_fresh > again.moved

    def test_a_cheap_move_is_made_when_it_gains(self) -> None:
        # b1-e1 sits in s1; the new request b2-e1 (weight 10) can only meet in s1: moving b1-e1 to s2 gains.
        parts = [buyer("b1"), buyer("b2", avail=["s1"]), exporter("e1")]
        inst = Instance(parts, slots(2), [Request("b1", "e1", 1), Request("b2", "e1", 10)], tables=5)
        previous = [Meeting("b1", "e1", "s1", 1)]
        result = Scheduler(time_limit=2.0, move_penalty=0.5).solve(inst, previous=previous)
        assert {(m.pair, m.slot_id) for m in result.meetings} == {(("b1", "e1"), "s2"), (("b2", "e1"), "s1")}
        assert result.moved == 1
        stubborn = Scheduler(time_limit=2.0, move_penalty=50.0).solve(inst, previous=previous)
        assert {(m.pair, m.slot_id) for m in stubborn.meetings} == {(("b1", "e1"), "s1")}

    def test_impossible_fixed_meetings_are_refused(self) -> None:
        parts = [buyer("b1", avail=["s1"]), exporter("e1"), exporter("e2")]
        inst = Instance(parts, slots(2), [Request("b1", "e1", 1), Request("b1", "e2", 1)], tables=1)
        with pytest.raises(InvalidInstance, match="cannot attend"):
            Scheduler(time_limit=1).solve(inst, fixed=[Meeting("b1", "e1", "s2", 1)])
        with pytest.raises(InvalidInstance, match="already has a fixed meeting"):
            Scheduler(time_limit=1).solve(
                inst, fixed=[Meeting("b1", "e1", "s1", 1), Meeting("b1", "e2", "s1", 2)]
            )
        with pytest.raises(InvalidInstance, match="table 3"):
            Scheduler(time_limit=1).solve(inst, fixed=[Meeting("b1", "e1", "s1", 3)])
        with pytest.raises(InvalidInstance, match="unknown participant"):
            Scheduler(time_limit=1).solve(inst, fixed=[Meeting("bX", "e1", "s1", 1)])
