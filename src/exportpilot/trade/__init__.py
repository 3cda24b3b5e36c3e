"""Trade data warehouse: Open Trade Statistics and CEPII BACI loaders, gravity context, the analysis panel.

Entry points: ``warehouse.Warehouse`` and its ``load_*`` functions (atomic, re-runnable loads into
``<var_dir>/warehouse``), ``panel.TradePanel`` (flows and context up to an as-of year), and
``download.download`` (resumable BACI downloads).
"""
