"""The promotion gate: pluggable criteria, promotion (status + registry.lock), impact on
mappings, and the release report. See :mod:`accord.gate.criteria` for the criterion
interface."""

from accord.gate.criteria import DEFAULT_CRITERIA, Criterion, GateContext, Verdict
from accord.gate.promote import PromotionResult, promote

__all__ = ["DEFAULT_CRITERIA", "Criterion", "GateContext", "PromotionResult", "Verdict",
           "promote"]
