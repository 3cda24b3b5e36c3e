"""Candidate markets and their features, computed in SQL over a ``TradePanel``.

A *candidate* is ``(t, product k, exporter i, partner j)`` for every exporter with exports of ``k`` in
``t-2..t`` and every country that imported ``k`` in ``t-2..t``. Its features use years ``t-3..t`` only; its
target (for training years) uses ``t+1..t+3``:

``gain = max(0, mean(x[t+1..t+3]) - mean(x[t-2..t]))`` — the back-test's relevance, in USD.

All of it is DuckDB SQL (GROUP BY, joins, conditional aggregates): no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from exportpilot.trade import checks
from exportpilot.trade.panel import TradePanel

KEYS = ["t", "product_id", "exporter_id", "importer_id"]

#: Features the learned model sees (all computable at ``t`` from ``t-3..t``).
FEATURES = [
    "x0_log",
    "x_mean_log",
    "x3_log",
    "x_growth1",
    "x_growth3",
    "x_years_active",
    "share_of_exporter",
    "share_of_market",
    "share_of_market_growth3",
    "m0_log",
    "m_growth1",
    "m_growth3",
    "m_share_world",
    "s0_log",
    "s_growth3",
    "s_share_world",
    "s_share_world_growth3",
    "s_n_markets",
    "rca_log",
    "density",
    "b0_log",
    "b_other_log",
    "b_growth3",
    "n_products_ij",
    "ease",
    "e_log",
    "imp_total_log",
    "dist_log",
    "rel_dist",
    "contig",
    "comlang_off",
    "colony",
    "smctry",
    "rta",
    "gdp_j_log",
    "gdppc_j_log",
    "gdp_j_growth3",
    "gdppc_i_log",
    "nb_contig_share",
    "nb_near_share",
    "nb_near_growth3",
    "itc_potential_log",
    "itc_untapped_log",
    "itc_ratio",
]

#: The features grouped into the evidence a person reads (the web page charts one bar per family): how much
#: each family moves a market's log score, from the trees' SHAP contributions.
FEATURE_FAMILIES: dict[str, list[str]] = {
    "position": [
        "x0_log",
        "x_mean_log",
        "x3_log",
        "x_growth1",
        "x_growth3",
        "x_years_active",
        "share_of_exporter",
        "share_of_market",
        "share_of_market_growth3",
    ],
    "demand": ["m0_log", "m_share_world", "imp_total_log", "gdp_j_log", "gdppc_j_log"],
    "demand_growth": ["m_growth1", "m_growth3", "gdp_j_growth3"],
    "supply": [
        "s0_log",
        "s_growth3",
        "s_share_world",
        "s_share_world_growth3",
        "s_n_markets",
        "rca_log",
        "e_log",
        "gdppc_i_log",
    ],
    "relatedness": ["density", "n_products_ij", "b0_log", "b_other_log", "b_growth3", "ease"],
    "distance": ["dist_log", "rel_dist", "contig", "comlang_off", "colony", "smctry"],
    "agreements": ["rta"],
    "itc_potential": ["itc_potential_log", "itc_untapped_log", "itc_ratio"],
    "neighbours": ["nb_contig_share", "nb_near_share", "nb_near_growth3"],
}

#: Evidence columns kept in USD (not logs) for people and for the baselines.
EVIDENCE = [
    "x0",
    "x_mean",
    "s_mean",
    "m0",
    "m3",
    "dist_km",
    "itc_supply",
    "itc_demand",
    "itc_ease",
    "itc_potential",
    "itc_untapped",
]

TARGETS = ["future_mean", "gain"]

#: Partners within this many km count as "near" for the neighbour-export features.
NEAR_KM = 1500.0


def _in_list(values: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def build_features(
    panel: TradePanel,
    years: Sequence[int],
    *,
    exporters: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    with_target: bool = False,
    sample_inactive: float = 1.0,
    min_exporter_usd: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Return one row per candidate ``(t, product, exporter, importer)`` for ``t`` in ``years``.

    Parameters
    ----------
    panel : TradePanel
        The flows and context; only years ``min(years)-3 .. max(years)`` (``+3`` with targets) are read.
    years : sequence of int
        Feature years ``t``.
    exporters, products : sequence of str, optional
        Restrict the candidates (features still use every country's flows, e.g. for import demand).
    with_target : bool
        Add ``future_mean`` and ``gain``; every ``t + 3`` must be ``<= panel.max_year``.
    sample_inactive : float
        Keep this fraction of candidates with no exports to the partner in ``t-3..t`` (a deterministic hash
        sample) and weight them by its inverse in ``weight``; active candidates are always kept.
    min_exporter_usd : float
        Leave out exporter × product lists whose mean exports over ``t-2..t`` are smaller.
    seed : int
        Changes the hash sample.

    Returns
    -------
    pandas.DataFrame
        ``KEYS + FEATURES + EVIDENCE + ["weight"] (+ TARGETS)``.
    """
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("no feature year")
    horizon = 3 if with_target else 0
    if years[-1] + horizon > panel.max_year:
        raise ValueError(
            f"features for {years[-1]} with a {horizon}-year target need data to {years[-1] + horizon}, "
            f"the panel ends in {panel.max_year}"
        )
    con = panel.con
    lo, hi = years[0] - 3, years[-1] + horizon
    ys = _in_list(years)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _f AS
        SELECT year, product AS k, exporter AS i, importer AS j, value AS v
        FROM flows WHERE year BETWEEN {lo} AND {hi}"""
    )
    # Totals by year: exporter × product (s), importer × product (m), product (w), pair (b), exporter (e),
    # importer (it), world (wt).
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _s AS "
        "SELECT year, k, i, sum(v) AS s, count(*) AS n FROM _f GROUP BY ALL"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _m AS SELECT year, k, j, sum(v) AS m FROM _f GROUP BY ALL")
    con.execute("CREATE OR REPLACE TEMP TABLE _w AS SELECT year, k, sum(v) AS w FROM _f GROUP BY ALL")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _b AS "
        "SELECT year, i, j, sum(v) AS b, count(*) AS nprod FROM _f GROUP BY ALL"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _e AS SELECT year, i, sum(v) AS e FROM _f GROUP BY ALL")
    con.execute("CREATE OR REPLACE TEMP TABLE _it AS SELECT year, j, sum(v) AS it FROM _f GROUP BY ALL")
    con.execute("CREATE OR REPLACE TEMP TABLE _wt AS SELECT year, sum(v) AS wt FROM _f GROUP BY ALL")

    def lags(table: str, keys: str, value: str, n: int = 4) -> str:
        cols = ", ".join(f"sum({value}) FILTER (WHERE l = {d}) AS {value}{d}" for d in range(n))
        return (
            f"SELECT year + l AS t, {keys}, {cols} FROM {table} CROSS JOIN range({n}) AS r(l) "
            f"WHERE year + l IN {ys} GROUP BY ALL"
        )

    con.execute(f"CREATE OR REPLACE TEMP TABLE _sl AS {lags('_s', 'k, i', 's')}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ml AS {lags('_m', 'k, j', 'm')}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _wl AS {lags('_w', 'k', 'w')}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _bl AS {lags('_b', 'i, j', 'b')}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _xl AS {lags('_f', 'k, i, j', 'v')}")

    # Revealed comparative advantage and Atlas density at t (exporter × product).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _rca AS
        SELECT s.year AS t, s.k, s.i, (s.s / e.e) / (w.w / wt.wt) AS rca
        FROM _s s JOIN _e e USING (year, i) JOIN _w w USING (year, k) JOIN _wt wt USING (year)
        WHERE s.year IN {ys}"""
    )
    con.execute("""CREATE OR REPLACE TEMP TABLE _mcp AS SELECT t, k, i FROM _rca WHERE rca >= 1""")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _phi AS
        WITH ubiq AS (SELECT t, k, count(*) AS u FROM _mcp GROUP BY ALL),
        co AS (
            SELECT a.t, a.k AS k1, b.k AS k2, count(*) AS c FROM _mcp a JOIN _mcp b USING (t, i)
            GROUP BY ALL)
        SELECT co.t, k1, k2, c / greatest(u1.u, u2.u) AS phi
        FROM co JOIN ubiq u1 ON u1.t = co.t AND u1.k = k1 JOIN ubiq u2 ON u2.t = co.t AND u2.k = k2"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _density AS
        WITH num AS (
            SELECT p.t, m.i, p.k1 AS k, sum(p.phi) AS num FROM _phi p JOIN _mcp m ON m.t = p.t AND m.k = p.k2
            GROUP BY ALL),
        den AS (SELECT t, k1 AS k, sum(phi) AS den FROM _phi GROUP BY ALL)
        SELECT num.t, num.k, num.i, num / den AS density FROM num JOIN den USING (t, k)"""
    )
    # Exports of k from i to j's neighbours (shared border, or within NEAR_KM), now and three years ago.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _nb AS
        SELECT x.t, x.k, x.i, g.importer_iso3 AS j,
               sum(x.v0) FILTER (WHERE g.contig = 1) AS nb_contig,
               sum(x.v0) FILTER (WHERE g.dist_km < {NEAR_KM}) AS nb_near,
               sum(x.v3) FILTER (WHERE g.dist_km < {NEAR_KM}) AS nb_near3
        FROM _xl x JOIN gravity g ON g.exporter_iso3 = x.j
        WHERE (g.contig = 1 OR g.dist_km < {NEAR_KM}) AND g.importer_iso3 <> x.j AND g.importer_iso3 <> x.i
          AND (x.v0 > 0 OR x.v3 > 0)
        GROUP BY ALL"""
    )
    # Import-weighted mean distance of each market's suppliers of k (ITC's relative-distance access).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _avgdist AS
        SELECT x.t, x.k, x.j, sum(x.v0 * g.dist_km) / sum(x.v0) AS avg_dist
        FROM _xl x JOIN gravity g ON g.exporter_iso3 = x.i AND g.importer_iso3 = x.j
        WHERE x.v0 > 0 GROUP BY ALL"""
    )
    # Only the candidates are restricted: bilateral totals, RCA, density and the like use every product.
    exporter_filter = ""
    if exporters is not None:
        exporter_filter = "AND i IN (" + ", ".join(checks.quote(e) for e in exporters) + ")"
    if products is not None:
        exporter_filter += " AND k IN (" + ", ".join(checks.quote(p) for p in products) + ")"
    keep = ""
    weight = "1.0"
    if sample_inactive < 1.0:
        threshold = int(round(sample_inactive * 1_000_000))
        active = "(coalesce(x.v0, 0) + coalesce(x.v1, 0) + coalesce(x.v2, 0) + coalesce(x.v3, 0) > 0)"
        hashed = f"(hash(c.t, c.k, c.i, c.j, {int(seed)}) % 1000000 < {threshold})"
        keep = f"AND ({active} OR {hashed})"
        weight = f"CASE WHEN {active} THEN 1.0 ELSE {1.0 / sample_inactive!r} END"
    target_cte = ""
    target_cols = ""
    target_join = ""
    if with_target:
        target_cte = f""",
        fut AS (
            SELECT year - l AS t, k, i, j, sum(v) AS fsum FROM _f CROSS JOIN range(1, 4) AS r(l)
            WHERE year - l IN {ys} GROUP BY ALL)"""
        target_cols = """,
            coalesce(fut.fsum, 0) / 3 AS future_mean,
            greatest(0, coalesce(fut.fsum, 0) / 3 - x_mean) AS gain"""
        target_join = "LEFT JOIN fut ON fut.t = c.t AND fut.k = c.k AND fut.i = c.i AND fut.j = c.j"

    sql = f"""
    WITH ex AS (
        SELECT t, k, i, coalesce(s0, 0) AS s0, coalesce(s1, 0) AS s1, coalesce(s2, 0) AS s2,
               coalesce(s3, 0) AS s3
        FROM _sl WHERE coalesce(s0, 0) + coalesce(s1, 0) + coalesce(s2, 0) > {3.0 * float(min_exporter_usd)!r}
        {exporter_filter}),
    im AS (
        SELECT t, k, j, coalesce(m0, 0) AS m0, coalesce(m1, 0) AS m1, coalesce(m3, 0) AS m3
        FROM _ml WHERE coalesce(m0, 0) + coalesce(m1, 0) + coalesce(m2, 0) > 0),
    c AS (SELECT ex.*, im.j, im.m0, im.m1, im.m3 FROM ex JOIN im USING (t, k) WHERE ex.i <> im.j),
    n_markets AS (SELECT year AS t, k, i, n FROM _s WHERE year IN {ys}){target_cte},
    base AS (
        SELECT c.t, c.k, c.i, c.j, c.s0, c.s3, (c.s0 + c.s1 + c.s2) / 3 AS s_mean, c.m0, c.m1, c.m3,
               coalesce(x.v0, 0) AS x0, coalesce(x.v1, 0) AS x1, coalesce(x.v2, 0) AS x2,
               coalesce(x.v3, 0) AS x3,
               (coalesce(x.v0, 0) + coalesce(x.v1, 0) + coalesce(x.v2, 0)) / 3 AS x_mean,
               {weight} AS weight
        FROM c LEFT JOIN _xl x ON x.t = c.t AND x.k = c.k AND x.i = c.i AND x.j = c.j
        WHERE true {keep})
    SELECT base.t, base.k AS product, base.i AS exporter, base.j AS importer,
        ln(1 + x0) AS x0_log, ln(1 + x_mean) AS x_mean_log, ln(1 + x3) AS x3_log,
        ln(1 + x0) - ln(1 + x1) AS x_growth1, ln(1 + x0) - ln(1 + x3) AS x_growth3,
        (x0 > 0)::INT + (x1 > 0)::INT + (x2 > 0)::INT + (x3 > 0)::INT AS x_years_active,
        x_mean / s_mean AS share_of_exporter,
        x0 / m0 AS share_of_market,
        x0 / m0 - CASE WHEN m3 > 0 THEN x3 / m3 ELSE 0 END AS share_of_market_growth3,
        ln(1 + m0) AS m0_log, ln(1 + m0) - ln(1 + m1) AS m_growth1, ln(1 + m0) - ln(1 + m3) AS m_growth3,
        m0 / wl.w0 AS m_share_world,
        ln(1 + s0) AS s0_log, ln(1 + s0) - ln(1 + s3) AS s_growth3,
        s0 / wl.w0 AS s_share_world,
        s0 / wl.w0 - CASE WHEN wl.w3 > 0 THEN s3 / wl.w3 ELSE 0 END AS s_share_world_growth3,
        coalesce(nm.n, 0) AS s_n_markets,
        ln(1 + coalesce(rca.rca, 0)) AS rca_log, coalesce(d.density, 0) AS density,
        ln(1 + coalesce(bl.b0, 0)) AS b0_log, ln(1 + greatest(coalesce(bl.b0, 0) - x0, 0)) AS b_other_log,
        ln(1 + coalesce(bl.b0, 0)) - ln(1 + coalesce(bl.b3, 0)) AS b_growth3,
        coalesce(bb.nprod, 0) AS n_products_ij,
        coalesce(bl.b0, 0) / (e.e * it.it / wt.wt) AS ease,
        ln(1 + e.e) AS e_log, ln(1 + it.it) AS imp_total_log,
        ln(g.dist_km) AS dist_log, g.dist_km / ad.avg_dist AS rel_dist,
        g.contig, g.comlang_off, g.colony, g.smctry,
        greatest(coalesce(r.rta, 0), CASE WHEN kf.year_in_force <= base.t THEN 1 ELSE 0 END) AS rta,
        ln(mj.gdp_usd) AS gdp_j_log, ln(mj.gdppc_usd) AS gdppc_j_log,
        ln(mj.gdp_usd) - ln(mj3.gdp_usd) AS gdp_j_growth3, ln(mi.gdppc_usd) AS gdppc_i_log,
        coalesce(nb.nb_contig, 0) / s0 AS nb_contig_share,
        coalesce(nb.nb_near, 0) / s0 AS nb_near_share,
        ln(1 + coalesce(nb.nb_near, 0)) - ln(1 + coalesce(nb.nb_near3, 0)) AS nb_near_growth3,
        x0, x_mean, s_mean, m0, m3, g.dist_km,
        s0 / wl.w0 AS itc_supply,
        m0 * coalesce(ad.avg_dist / g.dist_km, 1) AS itc_demand,
        coalesce(bl.b0, 0) / (e.e * it.it / wt.wt) AS itc_ease,
        itc_supply * itc_demand * itc_ease AS itc_potential,
        greatest(0, itc_potential - x_mean) AS itc_untapped,
        ln(1 + itc_potential) AS itc_potential_log,
        ln(1 + itc_untapped) AS itc_untapped_log,
        CASE WHEN itc_potential > 0 THEN x_mean / itc_potential END AS itc_ratio,
        weight{target_cols}
    FROM base
    JOIN _wl wl ON wl.t = base.t AND wl.k = base.k
    JOIN _e e ON e.year = base.t AND e.i = base.i
    JOIN _it it ON it.year = base.t AND it.j = base.j
    JOIN _wt wt ON wt.year = base.t
    LEFT JOIN n_markets nm ON nm.t = base.t AND nm.k = base.k AND nm.i = base.i
    LEFT JOIN _rca rca ON rca.t = base.t AND rca.k = base.k AND rca.i = base.i
    LEFT JOIN _density d ON d.t = base.t AND d.k = base.k AND d.i = base.i
    LEFT JOIN _bl bl ON bl.t = base.t AND bl.i = base.i AND bl.j = base.j
    LEFT JOIN _b bb ON bb.year = base.t AND bb.i = base.i AND bb.j = base.j
    LEFT JOIN gravity g ON g.exporter_iso3 = base.i AND g.importer_iso3 = base.j
    LEFT JOIN _avgdist ad ON ad.t = base.t AND ad.k = base.k AND ad.j = base.j
    LEFT JOIN rta r ON r.year = least(base.t, (SELECT coalesce(max(year), 0) FROM rta))
        AND r.iso3_a = base.i AND r.iso3_b = base.j
    LEFT JOIN (SELECT partner_iso3, min(year_in_force) AS year_in_force FROM korea_fta GROUP BY 1) kf
        ON base.i = 'KOR' AND kf.partner_iso3 = base.j
    LEFT JOIN macro mj ON mj.iso3 = base.j AND mj.year = base.t
    LEFT JOIN macro mj3 ON mj3.iso3 = base.j AND mj3.year = base.t - 3
    LEFT JOIN macro mi ON mi.iso3 = base.i AND mi.year = base.t
    LEFT JOIN _nb nb ON nb.t = base.t AND nb.k = base.k AND nb.i = base.i AND nb.j = base.j
    {target_join.replace("c.", "base.")}
    """
    ensure_dimensions(panel)
    wrapped = f"""
    SELECT CAST(q.t AS SMALLINT) AS t, dp.id AS product_id, de.id AS exporter_id, di.id AS importer_id,
           CAST(COLUMNS(q.* EXCLUDE (t, product, exporter, importer)) AS FLOAT)
    FROM ({sql}) q
    JOIN _dim_product dp ON dp.code = q.product
    JOIN _dim_country de ON de.code = q.exporter
    JOIN _dim_country di ON di.code = q.importer
    ORDER BY 1, 2, 3, 4
    """
    frame = pd.DataFrame(con.execute(wrapped).fetchnumpy())
    for table in (
        "_f",
        "_s",
        "_m",
        "_w",
        "_b",
        "_e",
        "_it",
        "_wt",
        "_sl",
        "_ml",
        "_wl",
        "_bl",
        "_xl",
        "_rca",
        "_mcp",
        "_phi",
        "_density",
        "_nb",
        "_avgdist",
    ):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return frame


def ensure_dimensions(panel: TradePanel) -> None:
    """Create the code → small-integer dictionaries ``_dim_country`` and ``_dim_product`` once per panel.

    Feature frames carry these ids instead of strings: millions of rows convert to NumPy in a fraction of
    the time, and ``decode`` turns the few rows a person sees back into codes.
    """
    con = panel.con
    # Every valid code is in the dictionary, so a country's id is the same in every panel (a panel cut at
    # 2008 and one cut at 2012 sort their rows identically): results cannot depend on which years were read.
    codes = checks.register_country_codes(con, allow_aggregates=False)
    con.execute(
        f"""CREATE TEMP TABLE IF NOT EXISTS _dim_country AS
        SELECT code, CAST(row_number() OVER (ORDER BY code) - 1 AS SMALLINT) AS id
        FROM (SELECT exporter AS code FROM flows UNION SELECT importer FROM flows
              UNION SELECT code FROM {codes})"""
    )
    con.execute(
        """CREATE TEMP TABLE IF NOT EXISTS _dim_product AS
        SELECT code, CAST(row_number() OVER (ORDER BY code) - 1 AS SMALLINT) AS id
        FROM (SELECT DISTINCT product AS code FROM flows)"""
    )


def dimension(panel: TradePanel, name: str) -> np.ndarray:
    """Return the codes of dimension ``country`` or ``product``, indexed by id."""
    ensure_dimensions(panel)
    rows = panel.con.execute(f"SELECT code FROM _dim_{name} ORDER BY id").fetchall()
    return np.array([r[0] for r in rows], dtype=object)


def decode(frame: pd.DataFrame, panel: TradePanel) -> pd.DataFrame:
    """Return ``frame`` with ``product, exporter, importer`` code columns added from their ids."""
    countries = dimension(panel, "country")
    products = dimension(panel, "product")
    out = frame.copy()
    out["product"] = products[out["product_id"].to_numpy()]
    out["exporter"] = countries[out["exporter_id"].to_numpy()]
    out["importer"] = countries[out["importer_id"].to_numpy()]
    return out
