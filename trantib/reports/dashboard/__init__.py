"""The head of unit's dashboard (``/laporan/dasbor/``): today and this month, for a unit and
everything below it. ``panels`` computes, ``build`` assembles, ``views`` shows; ``drills``
registers the case lists behind its case figures, ``tasks`` lists the work steps behind its
step figures. The docs are in ``docs/reports.md``."""
