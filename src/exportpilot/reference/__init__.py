"""Reference data: countries, currencies, languages, Korea's provinces and regions, the HS nomenclature."""
