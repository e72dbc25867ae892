"""The task-completion benchmark (``make bench``): see ``bench/run.py`` and docs/PERFORMANCE.md."""
