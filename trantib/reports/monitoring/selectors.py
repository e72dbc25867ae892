"""Reading the monitoring forms and evaluations: a reader sees those of the units they may see
(their own unit, and below a supervising position); any other looks like one that does not
exist."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from trantib.accounts.selectors import UserLike, units_for_user
from trantib.core.errors import NotFound

from ..models_monitoring import MonitoringForm, SopEvaluation


def forms_for_user(user: UserLike) -> QuerySet[MonitoringForm]:
    return MonitoringForm.objects.filter(unit__in=units_for_user(user)).select_related("unit")


def form_get_for_user(user: UserLike, pk: int) -> MonitoringForm:
    form = forms_for_user(user).select_related("sop_version").filter(pk=pk).first()
    if form is None:
        raise NotFound(_("Formulir monitoring tidak ditemukan."), field="form")
    return form


def evaluations_for_user(user: UserLike) -> QuerySet[SopEvaluation]:
    return SopEvaluation.objects.filter(unit__in=units_for_user(user)).select_related("unit")


def evaluation_get_for_user(user: UserLike, pk: int) -> SopEvaluation:
    found = evaluations_for_user(user).select_related("draft_version").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Evaluasi SOP tidak ditemukan."), field="evaluation")
    return found
