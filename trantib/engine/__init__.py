"""The Trantib engine: SOP definitions as data, validated, and the rules that run them.

Pure Python. Nothing in this package imports Django; the Django apps adapt the engine.
"""
