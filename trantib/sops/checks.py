"""``manage.py check`` fails when any file in the SOP library is invalid."""

from __future__ import annotations

from typing import Any

from django.core import checks

from . import registry


@checks.register("trantib")
def check_sop_library(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    lib = registry.reload()
    return [
        checks.Error(str(problem), id="trantib.E001", hint="run: trantib sop validate")
        for problem in lib.errors
    ]
