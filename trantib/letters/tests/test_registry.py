"""Draft sources: what a domain app adds to a draft made from a case (trantib.letters.registry)."""

from __future__ import annotations

from typing import Any

from trantib.letters import registry


def test_every_registered_source_answers_in_name_order_and_a_silent_one_adds_nothing():
    calls: list[str] = []

    def first(case: Any, spec: Any, step: Any, block: Any) -> dict[str, str]:
        calls.append("a")
        return {"hasil": "from a", "kegiatan": "from a"}

    def second(case: Any, spec: Any, step: Any, block: Any) -> dict[str, str]:
        calls.append("b")
        return {"hasil": "from b"}

    def silent(case: Any, spec: Any, step: Any, block: Any) -> None:
        calls.append("c")

    saved = dict(registry._SOURCES)
    try:
        registry._SOURCES.clear()
        registry.draft_source_register("b_second", second)
        registry.draft_source_register("a_first", first)
        registry.draft_source_register("c_silent", silent)
        values = registry.draft_sources_values(None, None, None, None)  # type: ignore[arg-type]
    finally:
        registry._SOURCES.clear()
        registry._SOURCES.update(saved)
    assert calls == ["a", "b", "c"]
    assert values == {"hasil": "from b", "kegiatan": "from a"}
