"""Backups of the database and the uploaded files, their restore, and the retention schedule
(JRA) of each kind of record — a schedule that is reported on, never acted on automatically."""
