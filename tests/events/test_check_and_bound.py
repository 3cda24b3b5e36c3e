from __future__ import annotations

import random
from datetime import timedelta

import pytest

from exportpilot.events._model import compile_instance
from exportpilot.events.bound import combinatorial_bound, lp_bound
from exportpilot.events.check import check_schedule
from exportpilot.events.instance import (
    Instance,
    InvalidInstance,
    Meeting,
    Request,
    Slot,
    merge_duplicate_requests,
)
from exportpilot.events.scheduler import Scheduler
from tests.events.helpers import T0, brute_force_optimum, buyer, exporter, random_instance, slots


def _inst() -> Instance:
    parts = [
        buyer("b1", "es", cap=1),
        buyer("b2", "en"),
        exporter("e1", "ko"),
        exporter("e2", "ko en", avail=["s1"]),
    ]
    reqs = [Request("b1", "e1", 1), Request("b2", "e1", 1), Request("b2", "e2", 1), Request("b1", "e2", 1)]
    return Instance(parts, slots(2), reqs, tables=1, interpreters={("es", "s1"): 1, ("en", "s2"): 1})


class TestCheckSchedule:
    """The checker must catch each broken rule, or the solver tests could not fail."""

    def test_a_feasible_schedule_passes(self) -> None:
        ok = [Meeting("b1", "e1", "s1", 1, "es"), Meeting("b2", "e2", "s2", 1)]
        # e2 is only available in s1: that one is caught; the rest is fine.
        assert check_schedule(_inst(), ok[:1]) == []

    @pytest.mark.parametrize(
        ("meetings", "message"),
        [
            ([Meeting("b2", "e2", "s2", 1)], "not available"),
            ([Meeting("b1", "e1", "s1", 2, "es")], "table 2"),
            ([Meeting("b1", "e1", "s1", 1)], "no interpreter"),
            ([Meeting("b1", "e1", "s1", 1, "en")], "not one the buyer speaks"),
            ([Meeting("b2", "e2", "s1", 1, "en")], "an interpreter although"),
            ([Meeting("b1", "e1", "s2", 1, "es")], "es interpreters needed"),
            ([Meeting("b1", "e1", "s1", 1, "es"), Meeting("b1", "e2", "s2", 1, "es")], "max_meetings"),
            ([Meeting("b2", "e1", "s1", 1, "en"), Meeting("b2", "e1", "s2", 1, "en")], "meets 2 times"),
            ([Meeting("b2", "e1", "s2", 1, "en"), Meeting("b2", "e2", "s2", 1)], "two meetings at once"),
            ([Meeting("b1", "e1", "s1", 1, "es"), Meeting("b2", "e2", "s1", 1)], "holds 2 meetings"),
            ([Meeting("b1", "b2", "s1", 1)], "not an exporter"),
            ([Meeting("b2", "e1", "s9", 1)], "unknown slot"),
        ],
    )
    def test_each_violation_is_reported(self, meetings: list[Meeting], message: str) -> None:
        problems = check_schedule(_inst(), meetings)
        assert any(message in p for p in problems), problems

    def test_unrequested_pairs_and_moved_fixed_meetings(self) -> None:
        inst = Instance([buyer("b1"), exporter("e1")], slots(2), [], tables=1)
        assert any("nobody requested" in p for p in check_schedule(inst, [Meeting("b1", "e1", "s1", 1)]))
        fixed = [Meeting("b1", "e1", "s1", 1)]
        assert check_schedule(inst, fixed, fixed=fixed) == []
        assert any("moved" in p for p in check_schedule(inst, [Meeting("b1", "e1", "s2", 1)], fixed=fixed))


class TestBound:
    @pytest.mark.parametrize("seed", range(6))
    def test_bound_is_never_below_the_optimum(self, seed: int) -> None:
        inst = random_instance(
            random.Random(50 + seed), buyers=3, exporters=3, n_slots=2, density=0.7, tables=1
        )
        best = brute_force_optimum(inst)
        c = compile_instance(inst)
        assert lp_bound(c, time_limit=5).value >= best - 1e-6
        assert combinatorial_bound(c) >= best - 1e-6

    def test_a_stopped_lp_still_gives_a_valid_bound(self) -> None:
        inst = random_instance(
            random.Random(3), buyers=150, exporters=200, n_slots=10, density=0.2, tables=20
        )
        c = compile_instance(inst)
        full = lp_bound(c, time_limit=20)
        cut = lp_bound(c, time_limit=0.0)
        assert full.status == "OPTIMAL" and cut.status != "OPTIMAL"
        # The Lagrangian bound of any dual iterate is >= the LP optimum (~ the converged bound)...
        assert cut.value >= full.value * (1 - 1e-4)
        # ...and so >= every schedule.
        assert cut.value >= Scheduler(time_limit=2).solve(inst).weight
        assert full.value == pytest.approx(full.lp_value, rel=1e-3)

    def test_tables_bind_the_bound(self) -> None:
        parts = [buyer(f"b{i}") for i in range(5)] + [exporter(f"e{i}") for i in range(5)]
        inst = Instance(parts, slots(2), [Request(f"b{i}", f"e{i}", 1) for i in range(5)], tables=2)
        assert lp_bound(compile_instance(inst)).value == pytest.approx(4, abs=1e-3)


class TestInstance:
    def test_validation(self) -> None:
        s = slots(1)
        with pytest.raises(InvalidInstance, match="duplicate participant"):
            Instance([buyer("x"), exporter("x")], s, [])
        with pytest.raises(InvalidInstance, match="is a buyer, not an exporter"):
            Instance([buyer("b1"), buyer("b2")], s, [Request("b1", "b2", 1)])
        with pytest.raises(InvalidInstance, match="unknown participant"):
            Instance([buyer("b1")], s, [Request("b1", "e1", 1)])
        with pytest.raises(InvalidInstance, match="weight"):
            Instance([buyer("b1"), exporter("e1")], s, [Request("b1", "e1", 0)])
        with pytest.raises(InvalidInstance, match="ends"):
            Instance([], [Slot("a", T0, T0 - timedelta(minutes=1))], [])
        with pytest.raises(InvalidInstance, match="UTC offset"):
            Instance(
                [], [Slot("a", T0.replace(tzinfo=None), T0.replace(tzinfo=None) + timedelta(hours=1))], []
            )
        with pytest.raises(InvalidInstance, match="unknown slot"):
            Instance([buyer("b1", avail=["zz"])], s, [])
        with pytest.raises(InvalidInstance, match="time zone"):
            Instance([buyer("b1", tz="Mars/Olympus")], s, [])
        with pytest.raises(InvalidInstance, match="second request"):
            Instance([buyer("b1"), exporter("e1")], s, [Request("b1", "e1", 1), Request("b1", "e1", 2)])

    def test_merge_duplicates_keeps_the_largest_weight(self) -> None:
        merged, dropped = merge_duplicate_requests(
            [Request("b1", "e1", 1), Request("b2", "e1", 3), Request("b1", "e1", 4), Request("b1", "e1", 2)]
        )
        assert dropped == 2
        assert merged == [Request("b1", "e1", 4), Request("b2", "e1", 3)]
