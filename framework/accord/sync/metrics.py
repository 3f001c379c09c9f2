"""What a sync run did, in numbers: counts by outcome and by failure class, conflicts, and the
latency of each stage and each system's calls, with their percentiles.

Rendered three ways by :mod:`accord.sync.summary`: a table for people, JSON for tools and the
Prometheus text exposition format (version 0.0.4) for a monitoring system (the node
exporter's textfile collector reads a ``.prom`` file; a push gateway accepts the same text).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Latencies", "SyncMetrics", "percentile", "prometheus_text"]

#: the quantiles every latency is reported at
QUANTILES = (0.5, 0.95, 0.99)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank on the sorted values; 0.0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Latencies:
    """Durations in seconds of one kind of step (a stage, or one system's requests)."""

    values: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.values.append(seconds)

    def extend(self, seconds: Iterable[float]) -> None:
        self.values.extend(seconds)

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def total(self) -> float:
        return sum(self.values)

    def quantile(self, q: float) -> float:
        return percentile(self.values, q)

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "sum": round(self.total, 6),
                **{f"p{round(q * 100)}": round(self.quantile(q), 6) for q in QUANTILES}}


@dataclass
class SyncMetrics:
    """Counters and latencies of one run of one flow."""

    flow: str
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    stages: dict[str, Latencies] = field(default_factory=dict)
    requests: dict[str, Latencies] = field(default_factory=dict)
    retries: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    seconds: float = 0.0
    finished_at: float = 0.0  # Unix time the run ended

    def count(self, outcome: str, n: int = 1) -> None:
        self.outcomes[outcome] += n

    def fail(self, error_class: str) -> None:
        self.failures[error_class] += 1

    def stage(self, name: str) -> Latencies:
        return self.stages.setdefault(name, Latencies())

    def system(self, name: str) -> Latencies:
        return self.requests.setdefault(name, Latencies())

    @property
    def records(self) -> int:
        return sum(self.outcomes.values())

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "outcomes": dict(sorted(self.outcomes.items())),
            "failures": dict(sorted(self.failures.items())),
            "conflicts": self.conflicts,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.rate, 1),
            "stages": {name: lat.to_dict() for name, lat in sorted(self.stages.items())},
            "systems": {name: {**lat.to_dict(), "retries": self.retries.get(name, 0)}
                        for name, lat in sorted(self.requests.items())},
        }


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def prometheus_text(runs: Sequence[SyncMetrics]) -> str:
    """The runs' metrics in the Prometheus text exposition format (one HELP/TYPE per family)."""
    families: list[tuple[str, str, str, list[str]]] = [
        ("accord_sync_records_total", "counter", "Records a sync run handled, by outcome.", []),
        ("accord_sync_failures_total", "counter",
         "Records routed to the exception queue, by failure class.", []),
        ("accord_sync_conflicts_total", "counter",
         "System-of-record conflicts: a non-owner's differing value, not applied.", []),
        ("accord_sync_stage_seconds", "summary", "Time spent per record in each stage.", []),
        ("accord_sync_request_seconds", "summary", "Latency of requests to each system.", []),
        ("accord_sync_retries_total", "counter", "Requests retried, by system.", []),
        ("accord_sync_run_seconds", "gauge", "Wall time of the last run.", []),
        ("accord_sync_last_run_timestamp_seconds", "gauge",
         "When the last run ended (Unix time).", []),
    ]
    by_name = {name: lines for name, _t, _h, lines in families}
    for m in runs:
        for outcome, n in sorted(m.outcomes.items()):
            by_name["accord_sync_records_total"].append(
                f"accord_sync_records_total{_labels(flow=m.flow, outcome=outcome)} {n}")
        for error_class, n in sorted(m.failures.items()):
            by_name["accord_sync_failures_total"].append(
                f"accord_sync_failures_total{_labels(flow=m.flow, error_class=error_class)} {n}")
        by_name["accord_sync_conflicts_total"].append(
            f"accord_sync_conflicts_total{_labels(flow=m.flow)} {m.conflicts}")
        for family, label, table in (("accord_sync_stage_seconds", "stage", m.stages),
                                     ("accord_sync_request_seconds", "system", m.requests)):
            for name, lat in sorted(table.items()):
                for q in QUANTILES:
                    by_name[family].append(
                        f"{family}{_labels(flow=m.flow, **{label: name}, quantile=str(q))} "
                        f"{_number(lat.quantile(q))}")
                base = _labels(flow=m.flow, **{label: name})
                by_name[family].append(f"{family}_sum{base} {_number(lat.total)}")
                by_name[family].append(f"{family}_count{base} {lat.count}")
        for system, n in sorted(m.retries.items()):
            by_name["accord_sync_retries_total"].append(
                f"accord_sync_retries_total{_labels(flow=m.flow, system=system)} {n}")
        by_name["accord_sync_run_seconds"].append(
            f"accord_sync_run_seconds{_labels(flow=m.flow)} {_number(m.seconds)}")
        by_name["accord_sync_last_run_timestamp_seconds"].append(
            f"accord_sync_last_run_timestamp_seconds{_labels(flow=m.flow)} "
            f"{_number(round(m.finished_at, 3))}")
    out: list[str] = []
    for name, kind, text, lines in families:
        if not lines:
            continue
        out += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", *lines]
    return "\n".join(out) + "\n"
