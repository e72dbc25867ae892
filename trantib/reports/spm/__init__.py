"""The SPM Trantibum quarterly report (Permendagri 59/2021; Permendagri 121/2018).

``compute`` counts from the cases, ``drills`` registers the lists behind the figures,
``report`` shapes the tables, ``views`` and ``exports`` show, print and export them.
Formulas and sources: ``docs/reports.md``.
"""
