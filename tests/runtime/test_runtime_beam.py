"""``accord.beam.ApplyMapping`` on Beam's FnApiRunner gives what ``accord run`` gives: the same
output records and the same dead letters (class, message, path, pointer, rule, line number)
for the golden inputs of every shipped mapping and broken variants of them."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from accord.run import run_mapping
from run_inputs import SHIPPED, golden_inputs, variants

try:
    import apache_beam as beam
except ImportError:  # the optional extra; CI installs it (.ci/run), so there it must run
    if os.environ.get("ACCORD_REQUIRE_EXTERNAL_SUITES") == "1":
        pytest.fail("Apache Beam is not installed: .ci/run installs accord[beam] "
                    "[ACCORD_REQUIRE_EXTERNAL_SUITES=1]", pytrace=False)
    pytest.skip("Apache Beam is the optional extra: pip install 'accord[beam]'",
                allow_module_level=True)

from accord import beam as accord_beam
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def accord_run(root: Path, mapping: str, lines: list[bytes], tmp: Path,
               **options: Any) -> tuple[list[str], list[str]]:
    source = tmp / f"{mapping}.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    out, dead = tmp / f"{mapping}.out.jsonl", tmp / f"{mapping}.dead.jsonl"
    run_mapping(mapping, input=source, output=out, dead_letter=dead, workspace=root,
                progress=False, **options)
    return ([canonical(json.loads(line)) for line in out.read_bytes().splitlines()],
            [canonical(json.loads(line)) for line in dead.read_bytes().splitlines()])


def test_the_transform_gives_what_accord_run_gives(repo_root: Path, tmp_path: Path) -> None:
    cases = [(mapping, {}) for mapping in SHIPPED]
    cases += [("harvest.time_entry_to_time_entry", {"with_key": True, "validate_input": True}),
              ("salesforce.opportunity_to_project", {"validate": False})]
    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        for index, (mapping, options) in enumerate(cases):
            lines = variants(golden_inputs(repo_root, mapping))
            records, dead = accord_run(repo_root, mapping, lines, tmp_path, **options)
            assert records and dead, mapping
            transform = accord_beam.ApplyMapping(mapping, workspace=repo_root, **options)
            pickle.dumps(transform.plan)  # plain data: ships to any worker
            result = (pipeline
                      | f"lines {index}" >> beam.Create(list(enumerate(lines, 1)))
                      | f"map {index}" >> transform)
            assert_that(result.records | f"json {index}" >> beam.Map(canonical),
                        equal_to(records), label=f"records {index}")
            assert_that(result[accord_beam.DEAD_LETTERS] | f"dead {index}" >> beam.Map(canonical),
                        equal_to(dead), label=f"dead letters {index}")


def test_elements_may_be_records_or_lines_without_numbers(repo_root: Path) -> None:
    mapping = "apideck.opportunity_to_project"
    record = golden_inputs(repo_root, mapping)[0]
    broken = dict(record, id=None)
    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        result = (pipeline | beam.Create([record, json.dumps(record), {"x": {1, 2}}, broken])
                  | accord_beam.ApplyMapping(mapping, workspace=repo_root))
        assert_that(result.records | beam.Map(lambda r: r["external_ids"]),
                    equal_to([{"apideck_crm": record["id"]}] * 2), label="records")
        assert_that(result.dead_letters | beam.Map(lambda d: (d["line_number"], d["class"])),
                    equal_to([(None, "data_quality")] * 2), label="dead")


def test_a_stale_module_is_refused_where_the_pipeline_is_built(reference_workspace: Path
                                                               ) -> None:
    from accord.errors import LoadError

    module = reference_workspace / "generated" / "opportunity-to-project" / "apideck_opportunity.py"
    module.write_text(module.read_text("utf-8") + "\n# edited\n", "utf-8")
    with pytest.raises(LoadError, match="ACC463"):
        accord_beam.ApplyMapping("apideck.opportunity_to_project",
                                 workspace=reference_workspace)
