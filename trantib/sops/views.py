from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import registry


def sop_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sops/sop_list.html", {"specs": registry.current()})


def sop_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        spec = registry.get(code)
    except KeyError:
        raise Http404(code) from None
    return render(request, "sops/sop_detail.html", {"spec": spec})
