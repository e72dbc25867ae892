"""The monthly recaps (rekap bulanan): patrols, enforcement and operations (``patrols``,
``enforcement``, ``operations``, sharing ``common``), complaints and Polmas (``complaints``,
``polmas``). Each module registers its drills when imported (by its URLs)."""
