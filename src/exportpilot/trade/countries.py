"""Country codes as trade data spells them: ISO 3166 alpha-3, old aliases, and BACI's numeric codes.

Trade sources are older than some ISO codes and use a few of their own:

* Open Trade Statistics (UN Comtrade) still writes Romania as ``ROM`` (ISO changed it to ``ROU`` in 2002);
* CEPII GeoDist uses ``ROM``, ``ZAR`` (now ``COD``), ``TMP`` (now ``TLS``), ``PAL`` (``PSE``) and ``YUG``
  for Serbia and Montenegro;
* the DESTA-based RTA table writes North Korea as ``PKR`` (its GSTP membership, treaty 461, shows which
  country is meant);
* BACI uses ISO 3166 numeric codes plus its own for a few customs territories (France with Monaco, the USA
  with Puerto Rico, ...).

Everything is normalised to one alpha-3 code per country before it reaches the warehouse, so joins between
flows, distances, GDP and trade agreements line up. Historic ISO codes (``SCG``, ``ANT``, ``SUN``...) are
valid: the flows of 1995 really were with Serbia and Montenegro.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

#: Old or misspelt alpha-3 codes found in the sources, and the code they mean today.
ALPHA3_ALIASES: dict[str, str] = {
    "ROM": "ROU",  # Romania before ISO's 2002 change; UN Comtrade and CEPII keep it
    "ZAR": "COD",  # Zaire, CEPII GeoDist
    "TMP": "TLS",  # East Timor, CEPII GeoDist
    "PAL": "PSE",  # Palestine, CEPII GeoDist
    "PKR": "PRK",  # North Korea in the DESTA RTA table (GSTP member list)
}

#: Alias that only holds for geography: GeoDist's ``YUG`` row is Serbia (and Montenegro), by capital.
GEO_ALIASES: dict[str, str] = {**ALPHA3_ALIASES, "YUG": "SRB"}

#: Non-country rows that Open Trade Statistics uses as placeholders ("ALL" = the world).
AGGREGATE_CODES: frozenset[str] = frozenset({"ALL", "WLD"})

#: BACI's own numeric codes (from the ``country_codes_V*.csv`` shipped in every BACI release) that are not
#: ISO 3166 numeric codes, or that ISO maps ambiguously. Source: CEPII, BACI documentation.
BACI_SPECIAL_CODES: dict[int, str] = {
    58: "BEL",  # Belgium-Luxembourg economic union (reported jointly until 1998)
    251: "FRA",  # France and Monaco
    381: "ITA",  # Italy and San Marino (early HS92 years)
    490: "TWN",  # "Other Asia, not elsewhere specified": UN Comtrade's label for Taiwan
    579: "NOR",  # Norway with Svalbard and Jan Mayen
    699: "IND",  # India (Comtrade's code)
    711: "ZAF",  # Southern African Customs Union (until 1999), reported by South Africa
    736: "SDN",  # Sudan before South Sudan's independence (2011)
    757: "CHE",  # Switzerland and Liechtenstein
    842: "USA",  # USA with Puerto Rico and the US Virgin Islands
    890: "YUG",  # Socialist Federal Republic of Yugoslavia
    891: "SCG",  # Serbia and Montenegro (ISO reused 891 for two historic entries)
    280: "DEU",  # Federal Republic of Germany before 1991
}


#: Codes of areas that are not countries (UN Comtrade's "not elsewhere specified" buckets, bunkers, free
#: zones). Flows to them are real but have no market to recommend: loaders drop them and count them.
AREA_NUMERIC_CODES: frozenset[int] = frozenset(
    {
        290,  # Northern Africa, nes
        473,  # LAIA, nes
        492,  # Europe, nes
        527,  # Oceania, nes
        568,  # Other Europe, nes
        577,  # Other Africa, nes
        636,  # Rest of America, nes
        637,  # North America and Central America, nes
        697,  # Europe EFTA, nes
        837,  # Bunkers
        838,  # Free zones
        839,  # Special categories
        899,  # Areas, nes
    }
)
AREA_ALPHA3_CODES: frozenset[str] = frozenset({"NEI", "XXA", "_X"})


@lru_cache
def valid_alpha3() -> frozenset[str]:
    """Return every alpha-3 code accepted in trade data: current and historic ISO 3166, and known aliases."""
    codes = {c.alpha_3 for c in pycountry.countries}
    codes |= {c.alpha_3 for c in pycountry.historic_countries}
    return frozenset(codes | set(ALPHA3_ALIASES))


@lru_cache
def numeric_to_alpha3() -> dict[int, str]:
    """Return the map from ISO 3166 numeric codes (and BACI's special ones) to alpha-3 codes.

    Current ISO codes win over historic ones that reused the same number; BACI's special codes win over
    both.
    """
    mapping: dict[int, str] = {}
    for country in pycountry.historic_countries:
        numeric = getattr(country, "numeric", None)
        if numeric:
            mapping.setdefault(int(numeric), country.alpha_3)
    for country in pycountry.countries:
        mapping[int(country.numeric)] = country.alpha_3
    mapping.update(BACI_SPECIAL_CODES)
    return mapping


def normalise_alpha3(code: str) -> str:
    """Return the current code for an alias (``ROM`` → ``ROU``), or the code itself."""
    return ALPHA3_ALIASES.get(code, code)
