"""Reports units must deliver upward: SOP monitoring and evaluation, the SPM Trantibum report,
monthly recaps, the head of unit's dashboard. Every figure links to the rows behind it."""
