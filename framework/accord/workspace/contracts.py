"""The canonical contract registry: every ``contracts/canonical/<entity>/<version>.yaml``.

Loading checks, for each file: that it parses (with positions); that it is a valid JSON Schema
2020-12 document; that its ``x-accord`` block is well formed; that the file name's version,
``x-accord.version`` and the ``$id`` urn agree; that every ``$ref`` resolves (by urn or by a path
relative to the file) and no contracts reference each other in a cycle; that its ``examples``
validate; and, for released versions, that the file still has the sha256 recorded in
``contracts/registry.lock``. Each problem is a :class:`~accord.diagnostics.Diagnostic` with the
file, line and column — loading never raises for a user's mistake.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import referencing
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


from accord import codes, fsio, patterns
from accord.diagnostics import Diagnostic, relative
from accord.errors import LoadError, UsageError
from accord.jsondoc import join_pointer, json_path, resolve_pointer
from accord.workspace.lock import PromotionJournal, RegistryLock
from accord.workspace.semver import Version, parse_version
from accord.workspace.yamlio import YamlDocument, load_yaml

__all__ = ["STATUSES", "Contract", "ContractRegistry", "load_contracts"]

STATUSES = ("draft", "candidate", "released", "deprecated")
MODES = ("BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL",
         "FULL_TRANSITIVE", "NONE")
URN_PREFIX = "urn:accord:contract:"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

X_ACCORD_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "status", "compatibility", "owner"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "status": {"enum": list(STATUSES)},
        "compatibility": {"enum": list(MODES)},
        "owner": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "supersedes": {"type": "string"},
        "sunset": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        # system-of-record ownership by JSON pointer (accord.workspace.ownership)
        "owners": {"type": "object", "propertyNames": {"pattern": "^/"},
                   "additionalProperties": {"type": "string", "minLength": 1}},
    },
}



@cache
def _meta_validators() -> tuple[Draft202012Validator, Draft202012Validator]:
    """The JSON Schema 2020-12 meta-schema and the x-accord block's schema, compiled once when
    a contract is first checked (``accord run`` never loads jsonschema)."""
    from jsonschema import Draft202012Validator

    return (Draft202012Validator(Draft202012Validator.META_SCHEMA),
            Draft202012Validator(X_ACCORD_SCHEMA))


def urn(name: str, version: str) -> str:
    return f"{URN_PREFIX}{name}:{version}"


def _pointer(path: Any) -> str:
    return join_pointer("", *path)


@dataclass
class Contract:
    """One version of one canonical contract."""

    name: str
    version: str
    path: Path
    document: YamlDocument
    schema: dict[str, Any]  # with relative-path $refs rewritten to urns
    sha256: str

    @property
    def display(self) -> str:
        return self.document.display

    @property
    def urn(self) -> str:
        return urn(self.name, self.version)

    @property
    def x_accord(self) -> dict[str, Any]:
        block = self.schema.get("x-accord")
        return block if isinstance(block, dict) else {}

    @property
    def status(self) -> str:
        return str(self.x_accord.get("status", "draft"))

    @property
    def compatibility(self) -> str:
        return str(self.x_accord.get("compatibility", "BACKWARD"))

    @property
    def sunset(self) -> str | None:
        """The ``YYYY-MM-DD`` after which a deprecated version may no longer be used."""
        value = self.x_accord.get("sunset")
        return value if isinstance(value, str) else None

    @property
    def owner(self) -> str:
        return str(self.x_accord.get("owner", ""))

    @property
    def semver(self) -> Version:
        parsed = parse_version(self.version)
        assert parsed is not None  # only contracts with valid versions are registered
        return parsed

    def diagnostic(self, code: str, message: str, pointer: str = "", **kw: Any) -> Diagnostic:
        return self.document.diagnostic(code, message, pointer, **kw)



# -- patterns ------------------------------------------------------------------------------
# jsonschema's own `pattern`, `patternProperties`, `additionalProperties` and
# `unevaluatedProperties` run Python's `re`,
# which backtracks: a contract's `^(a+)+$` would hang `accord check` on a long example value.
# These run accord.patterns instead (RE2, or `regex` under a time budget).


def _match(pattern: str, text: str) -> tuple[bool, str | None]:
    try:
        return patterns.search(pattern, text), None
    except patterns.PatternError as exc:
        return False, str(exc)


def _pattern(validator: Any, pattern: str, instance: Any,
             schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string"):
        matched, problem = _match(pattern, instance)
        if problem is not None:
            yield ValidationError(problem)
        elif not matched:
            yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, pattern_properties: dict[str, Any], instance: Any,
                        schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in pattern_properties.items():
        for name, value in instance.items():
            matched, problem = _match(pattern, name)
            if problem is not None:
                yield ValidationError(problem)
            elif matched:
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _additional_properties(validator: Any, additional: Any, instance: Any,
                           schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties", {})
    pats = list(schema.get("patternProperties", {}))
    extras = [name for name in instance if name not in declared
              and not any(_match(p, name)[0] for p in pats)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        shown = ", ".join(repr(e) for e in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({shown} "
                              f"{'was' if len(extras) == 1 else 'were'} unexpected)")


def _is_valid(errors: Iterator[Any]) -> bool:
    return next(errors, None) is None


def _evaluated_keys(validator: Any, instance: dict[str, Any], schema: Any) -> set[str]:
    """The keys of ``instance`` that ``schema`` evaluates (for ``unevaluatedProperties``):
    jsonschema's own walk (``_utils.find_evaluated_property_keys_by_schema``, MIT), with
    ``patternProperties`` matched by :mod:`accord.patterns` instead of ``re``."""
    if not isinstance(schema, dict):
        return set()
    keys: set[str] = set()
    for ref in ("$ref", "$dynamicRef"):
        if isinstance(target := schema.get(ref), str):
            resolved = validator._resolver.lookup(target)
            keys |= _evaluated_keys(
                validator.evolve(schema=resolved.contents, _resolver=resolved.resolver),
                instance, resolved.contents)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        keys |= properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        if (sub := schema.get(keyword)) is not None:
            keys |= {k for k, v in instance.items() if _is_valid(validator.descend(v, sub))}
    for pattern in schema.get("patternProperties") or {}:
        keys |= {k for k in instance if _match(pattern, k)[0]}
    for name, sub in (schema.get("dependentSchemas") or {}).items():
        if name in instance:
            keys |= _evaluated_keys(validator, instance, sub)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(keyword) or []:
            if _is_valid(validator.descend(instance, sub)):
                keys |= _evaluated_keys(validator, instance, sub)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            keys |= _evaluated_keys(validator, instance, schema["if"])
            keys |= _evaluated_keys(validator, instance, schema.get("then"))
        else:
            keys |= _evaluated_keys(validator, instance, schema.get("else"))
    return keys


def _unevaluated_properties(validator: Any, unevaluated: Any, instance: Any,
                            schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    evaluated = _evaluated_keys(validator, instance, schema)
    bad = [k for k in instance if k not in evaluated
           and not _is_valid(validator.descend(instance[k], unevaluated, path=k))]
    if bad:
        shown = ", ".join(repr(k) for k in sorted(bad))
        were = "was" if len(bad) == 1 else "were"
        yield ValidationError(f"Unevaluated properties are not allowed ({shown} {were} "
                              "unexpected)" if unevaluated is False else
                              f"Unevaluated properties are not valid under the given schema "
                              f"({shown} {were} unevaluated and invalid)")


@cache
def _safe_validator_class() -> Any:
    """Draft 2020-12 with the four keywords above (built on first use: jsonschema loads
    lazily)."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {
        "pattern": _pattern, "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
        "unevaluatedProperties": _unevaluated_properties})


@dataclass
class ContractRegistry:
    """Every loaded contract, by name and version, plus the findings met while loading."""

    root: Path
    contracts: dict[tuple[str, str], Contract] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lock: RegistryLock | None = None
    #: urns of contract files that exist but did not load (their findings are reported once;
    #: references to them are not reported again)
    broken: set[str] = field(default_factory=set)

    # -- lookup ---------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted({name for name, _ in self.contracts})

    def versions(self, name: str) -> list[Contract]:
        return sorted((c for (n, _), c in self.contracts.items() if n == name),
                      key=lambda c: c.semver)

    def latest(self, name: str) -> Contract:
        versions = self.versions(name)
        if not versions:
            raise self._unknown(name)
        return versions[-1]

    def get(self, name: str, version: str | None = None) -> Contract:
        if version is None:
            return self.latest(name)
        found = self.contracts.get((name, version))
        if found is None:
            if not self.versions(name):
                raise self._unknown(name)
            known = ", ".join(c.version for c in self.versions(name))
            raise UsageError(f"contract {name!r} has no version {version} (known: {known})")
        return found

    def parse_ref(self, ref: str) -> Contract:
        """``"project@1.1.0"`` (or ``"project"`` for the latest) to its contract."""
        name, _, version = ref.partition("@")
        return self.get(name, version or None)

    def by_urn(self, uri: str) -> Contract | None:
        if not uri.startswith(URN_PREFIX):
            return None
        name, _, version = uri[len(URN_PREFIX):].partition(":")
        return self.contracts.get((name, version))

    def __iter__(self) -> Iterator[Contract]:
        return iter(sorted(self.contracts.values(), key=lambda c: (c.name, c.semver)))

    def __len__(self) -> int:
        return len(self.contracts)

    def _unknown(self, name: str) -> UsageError:
        close = difflib.get_close_matches(name, self.names(), n=1)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        return UsageError(f"unknown contract {name!r}{hint}")

    # -- references -----------------------------------------------------------------------
    @cached_property
    def resource_registry(self) -> referencing.Registry[Any]:
        import referencing
        from referencing.jsonschema import DRAFT202012

        resources = [(c.urn, DRAFT202012.create_resource(c.schema)) for c in self]
        registry: referencing.Registry[Any] = referencing.Registry().with_resources(resources)
        return registry

    def validator(self, contract: Contract) -> Draft202012Validator:
        from jsonschema import Draft202012Validator

        return _safe_validator_class()(
            contract.schema, registry=self.resource_registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    def bundle(self, name: str, version: str | None = None) -> dict[str, Any]:
        """A self-contained copy of the contract's schema: every contract it references is
        inlined under ``$defs`` (keyed ``<name>@<version>``) and each ``$ref`` rewritten to a
        local pointer, so any validator or path resolver can use it alone."""
        root = self.get(name, version)
        embedded: dict[str, dict[str, Any]] = {}
        pending = [root]
        seen = {root.urn}
        while pending:
            current = pending.pop()
            for ref in _refs(current.schema):
                base = ref.split("#", 1)[0]
                target = self.by_urn(base)
                if target is not None and target.urn not in seen:
                    seen.add(target.urn)
                    pending.append(target)
        out: dict[str, Any] = _rewrite_refs(copy.deepcopy(root.schema), root, "", self)
        defs: dict[str, Any] = dict(out.get("$defs", {}))
        for uri in sorted(seen - {root.urn}):
            target = self.by_urn(uri)
            assert target is not None
            key = f"{target.name}@{target.version}"
            embedded_schema: dict[str, Any] = _rewrite_refs(copy.deepcopy(target.schema), target,
                                            f"/$defs/{key}", self)
            for k in ("$id", "$schema", "examples", "x-accord"):
                embedded_schema.pop(k, None)
            embedded[key] = embedded_schema
        defs.update(embedded)
        if defs:
            out["$defs"] = defs
        return out


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for key, value in node.items():
            if key not in ("examples", "const", "enum", "default", "x-accord"):
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _rewrite_refs(node: Any, owner: Contract, prefix: str, registry: ContractRegistry) -> Any:
    if isinstance(node, dict):
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                base, _, fragment = value.partition("#")
                if not base or base == owner.urn:
                    result[key] = f"#{prefix}{fragment}"
                else:
                    target = registry.by_urn(base)
                    if target is None:
                        result[key] = value
                    else:
                        result[key] = f"#/$defs/{target.name}@{target.version}{fragment}"
            elif key in ("examples", "const", "enum", "default"):
                result[key] = value
            else:
                result[key] = _rewrite_refs(value, owner, prefix, registry)
        return result
    if isinstance(node, list):
        return [_rewrite_refs(item, owner, prefix, registry) for item in node]
    return node


# -- loading ------------------------------------------------------------------------------

def load_contracts(root: Path, *, checked: bool = True,
                   entities: Iterable[str] | None = None) -> ContractRegistry:
    """Load and check every contract under ``root/contracts/canonical``.

    ``checked=False`` only reads them (no meta-schema, ``x-accord``, reference, example or
    lock checks, and jsonschema is not imported); ``entities`` reads only those entities and
    the ones they reference (by urn or path), transitively. Both are for running a mapping:
    its target is compiled by the validator anyway, and ``accord check`` reports findings."""
    canonical = root / "contracts" / "canonical"
    registry = ContractRegistry(root)
    diags = registry.diagnostics
    lock_path = root / "contracts" / "registry.lock"
    try:
        registry.lock = RegistryLock.load(lock_path) if checked else None
    except LoadError as exc:
        diags.extend(exc.diagnostics)
        registry.lock = None
    if not canonical.is_dir():
        _check_lock(registry, diags)
        return registry

    by_path: dict[Path, Contract] = {}
    broken_paths: set[Path] = set()

    def load_entity(entry: Path) -> None:
        shown = relative(entry, root)
        if entry.name.startswith("."):
            return
        if not entry.is_dir():
            diags.append(Diagnostic(
                codes.CONTRACT_LAYOUT, "unexpected file in contracts/canonical", shown, 1, 1,
                hint="contracts live at contracts/canonical/<entity>/<MAJOR.MINOR.PATCH>.yaml"))
            return
        if not _NAME.match(entry.name):
            diags.append(Diagnostic(
                codes.CONTRACT_LAYOUT, f"contract name {entry.name!r} is not snake_case", shown,
                hint="rename the folder to lower snake_case, e.g. time_entry"))
            return
        for file in sorted(entry.iterdir()):
            if file.name.startswith("."):
                continue
            contract = _load_one(root, entry.name, file, diags, checked)
            if contract is None:
                registry.broken.add(urn(entry.name, file.stem))
                broken_paths.add(Path(os.path.realpath(file)))
            else:
                registry.contracts[(contract.name, contract.version)] = contract
                by_path[Path(os.path.realpath(file))] = contract

    if entities is None:
        for entry in sorted(canonical.iterdir()):
            load_entity(entry)
    else:  # these entities and every entity they reference, in turn
        pending, loaded = set(entities), set()
        while pending:
            for name in sorted(pending):
                if (canonical / name).is_dir():
                    load_entity(canonical / name)
            loaded |= pending
            pending = {name for contract in registry for name in _referenced(contract)
                       if name not in loaded}

    # relative-path $refs become urns, so the rest of accord only ever sees urns
    for contract in list(registry.contracts.values()):
        contract.schema = _resolve_paths(contract, by_path, broken_paths, diags)
    if checked:
        _check_refs(registry, diags)
        _check_cycles(registry, diags)
        _check_examples(registry, diags)
        _check_lock(registry, diags)
    return registry


def _load_one(root: Path, name: str, file: Path, diags: list[Diagnostic],
              checked: bool = True) -> Contract | None:
    shown = relative(file, root)
    if file.suffix not in (".yaml", ".yml") or file.is_dir():
        diags.append(Diagnostic(
            codes.CONTRACT_LAYOUT, "is a directory, expected a contract file" if file.is_dir()
            else "unexpected file: contracts are .yaml files", shown, 1, 1,
            hint=f"contracts live at contracts/canonical/{name}/<MAJOR.MINOR.PATCH>.yaml"))
        return None
    try:
        doc = load_yaml(file, display=shown, root=root)
    except LoadError as exc:
        diags.extend(exc.diagnostics)
        return None
    data = doc.data
    version = file.stem
    if parse_version(version) is None:
        diags.append(doc.diagnostic(
            codes.CONTRACT_FILE_NAME, f"file name {file.name!r} is not a semantic version",
            hint="name the file MAJOR.MINOR.PATCH.yaml, e.g. 1.0.0.yaml"))
        return None
    if not isinstance(data, dict):
        diags.append(doc.diagnostic(
            codes.CONTRACT_NOT_MAPPING, f"a contract must be a mapping (a JSON Schema object), "
                      f"found {type(data).__name__}", hint="start the file with `$schema:`, "
                                                           "`$id:` and `type: object`"))
        return None
    ok = True
    meta, x_accord_schema = _meta_validators() if checked else (None, None)
    for error in meta.iter_errors(data) if meta is not None else ():
        ok = False
        ptr = _pointer(error.absolute_path)
        diags.append(doc.diagnostic(
            codes.CONTRACT_META_SCHEMA,
            f"not a valid JSON Schema 2020-12 document: {error.message}", ptr,
            hint="fix the keyword at this location; see "
                 "https://json-schema.org/draft/2020-12/json-schema-validation"))
    schema_uri = data.get("$schema")
    if schema_uri != "https://json-schema.org/draft/2020-12/schema":
        ok = False
        diags.append(doc.diagnostic(
            codes.CONTRACT_META_SCHEMA,
            f"$schema must be the 2020-12 dialect, found {schema_uri!r}",
            "/$schema" if "$schema" in data else "",
            hint="set `$schema: https://json-schema.org/draft/2020-12/schema`"))
    x_accord = data.get("x-accord")
    if not isinstance(x_accord, dict):
        diags.append(doc.diagnostic(
            codes.CONTRACT_X_ACCORD,
            "missing or malformed x-accord block", "/x-accord" if x_accord else "",
            hint="add `x-accord: {version: "
                 f"{version}, status: draft, compatibility: BACKWARD, owner: <team>}}`"))
        ok = False
    else:
        for error in (x_accord_schema.iter_errors(x_accord)
                      if x_accord_schema is not None else ()):
            ok = False
            ptr = join_pointer("/x-accord", *error.absolute_path)
            diags.append(doc.diagnostic(codes.CONTRACT_X_ACCORD, f"x-accord: {error.message}", ptr,
                                        hint=_x_accord_hint(error)))
        if "version" in x_accord and x_accord["version"] != version:
            ok = False
            diags.append(doc.diagnostic(
                codes.CONTRACT_IDENTITY,
                f"x-accord.version {x_accord['version']!r} does not match the file "
                          f"name's version {version!r}", "/x-accord/version",
                hint="the file name, x-accord.version and $id must name the same version"))
    expected = urn(name, version)
    if data.get("$id") != expected:
        ok = False
        diags.append(doc.diagnostic(
            codes.CONTRACT_IDENTITY, f"$id is {data.get('$id')!r}, expected {expected!r}",
            "/$id" if "$id" in data else "", hint=f"set `$id: {expected}`"))
    if not ok:
        return None
    try:
        sha = hashlib.sha256(fsio.read_bytes(file, root=root, display=shown)).hexdigest()
    except LoadError as exc:  # replaced since it was parsed
        diags.extend(exc.diagnostics)
        return None
    return Contract(name, version, file, doc, data, sha)


def _x_accord_hint(error: ValidationError) -> str:
    if error.validator == "enum":
        return "use one of: " + ", ".join(map(str, error.validator_value))
    if error.validator == "required":
        return "x-accord needs version, status, compatibility and owner"
    if error.validator == "additionalProperties":
        return ("x-accord allows version, status, compatibility, owner, description, "
                "supersedes, sunset, owners")
    return "see docs/contracts.md for the x-accord block"


def _resolve_paths(contract: Contract, by_path: dict[Path, Contract], broken: set[Path],
                   diags: list[Diagnostic]) -> dict[str, Any]:
    def walk(node: Any, ptr: str) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                child = join_pointer(ptr, key)
                if key == "$ref" and isinstance(value, str) and _is_path_ref(value):
                    base, _, fragment = value.partition("#")
                    target_path = Path(os.path.realpath(contract.path.parent / base))
                    target = by_path.get(target_path)
                    if target is None and target_path in broken:
                        out[key] = value  # the target's own findings say what is wrong
                    elif target is None:
                        diags.append(contract.diagnostic(
                            codes.CONTRACT_REF,
                            f"$ref target {base!r} does not exist or is not a valid "
                                      f"contract", child,
                            hint="point at contracts/canonical/<entity>/<version>.yaml relative "
                                 "to this file, or use urn:accord:contract:<entity>:<version>"))
                        out[key] = value
                    else:
                        out[key] = target.urn + (f"#{fragment}" if fragment else "")
                elif key in ("examples", "const", "enum", "default"):
                    out[key] = value
                else:
                    out[key] = walk(value, child)
            return out
        if isinstance(node, list):
            return [walk(item, join_pointer(ptr, i)) for i, item in enumerate(node)]
        return node

    result: dict[str, Any] = walk(contract.schema, "")
    return result


def _referenced(contract: Contract) -> set[str]:
    """The entities a contract's ``$ref``s point into (``urn:accord:contract:<entity>:...``
    or ``../<entity>/<version>.yaml``)."""
    names = set()
    for ref in _refs(contract.schema):
        base = ref.split("#", 1)[0]
        if base.startswith(URN_PREFIX):
            names.add(base[len(URN_PREFIX):].partition(":")[0])
        elif base and _is_path_ref(ref):
            names.add((contract.path.parent / base).resolve().parent.name)
    return names


def _is_path_ref(ref: str) -> bool:
    return not ref.startswith(("#", "urn:", "http://", "https://")) and bool(ref.split("#")[0])


def _ref_sites(node: Any, ptr: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = join_pointer(ptr, key)
            if key == "$ref" and isinstance(value, str):
                yield child, value
            elif key not in ("examples", "const", "enum", "default", "x-accord"):
                yield from _ref_sites(value, child)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _ref_sites(item, join_pointer(ptr, i))


def _check_refs(registry: ContractRegistry, diags: list[Diagnostic]) -> None:
    import referencing.exceptions

    for contract in registry:
        resolver = registry.resource_registry.resolver(base_uri=contract.urn)
        for ptr, ref in _ref_sites(contract.schema):
            if _is_path_ref(ref):
                continue  # already reported by _resolve_paths
            try:
                resolver.lookup(ref)
            except referencing.exceptions.Unresolvable:
                base = ref.split("#")[0]
                if base in registry.broken:
                    continue  # the referenced contract's own findings say what is wrong
                if base and registry.by_urn(base) is None:
                    names = [c.urn for c in registry]
                    close = difflib.get_close_matches(base, names, n=1)
                    hint = f"did you mean {close[0]}?" if close else \
                        "reference a contract as urn:accord:contract:<entity>:<version>"
                    msg = f"$ref target {base!r} is not a known contract"
                else:
                    hint = "the part after '#' must be a JSON pointer into the target document"
                    msg = f"$ref {ref!r} does not resolve"
                diags.append(contract.diagnostic(codes.CONTRACT_REF, msg, ptr, hint=hint))


def _check_cycles(registry: ContractRegistry, diags: list[Diagnostic]) -> None:
    """Contracts that reference each other in a cycle cannot be bundled or versioned apart."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for contract in registry:
        for ptr, ref in _ref_sites(contract.schema):
            base = ref.split("#")[0]
            if base and base != contract.urn and registry.by_urn(base) is not None:
                edges.setdefault(contract.urn, []).append((base, ptr))
            elif not base or base == contract.urn:
                fragment = ref.partition("#")[2]
                if fragment == "" or fragment == "/":
                    diags.append(contract.diagnostic(
                        codes.CONTRACT_REF_CYCLE,
                        "cyclic $ref: the document references itself as a whole",
                        ptr, hint="reference a subschema (#/$defs/...) instead"))
        # pure local cycles: $defs/a -> $defs/b -> $defs/a with nothing in between
        _local_cycles(contract, diags)
    reported: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> None:
        for target, ptr in edges.get(node, []):
            if target in stack:
                cycle = [*stack[stack.index(target):], target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    origin = registry.by_urn(node)
                    assert origin is not None
                    names = " -> ".join(u[len(URN_PREFIX):] for u in cycle)
                    diags.append(origin.diagnostic(
                        codes.CONTRACT_REF_CYCLE, f"cyclic $ref between contracts: {names}", ptr,
                        hint="break the cycle: move the shared part into its own contract, or "
                             "hold an id instead of embedding the other record"))
            elif len(stack) < 64:
                visit(target, [*stack, target])

    for start in sorted(edges):
        visit(start, [start])


def _local_cycles(contract: Contract, diags: list[Diagnostic]) -> None:
    def target(ref: str) -> Any:
        base, _, fragment = ref.partition("#")
        if base and base != contract.urn:
            return None
        try:
            return resolve_pointer(contract.schema, fragment)
        except KeyError:
            return None

    for ptr, ref in _ref_sites(contract.schema):
        seen = {ptr}
        node = target(ref)
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
            hops += 1
            nxt = node["$ref"]
            if nxt == ref:
                diags.append(contract.diagnostic(
                    codes.CONTRACT_REF_CYCLE, f"cyclic $ref: {ref!r} refers back to itself", ptr,
                    hint="a $ref chain must end in a schema, not loop"))
                break
            if nxt in seen:
                break
            seen.add(nxt)
            node = target(nxt)


def _check_examples(registry: ContractRegistry, diags: list[Diagnostic]) -> None:
    import referencing.exceptions

    for contract in registry:
        examples = contract.schema.get("examples", [])
        if not isinstance(examples, list):
            continue
        try:
            validator = registry.validator(contract)
            for i, example in enumerate(examples):
                for error in validator.iter_errors(example):
                    ptr = join_pointer("/examples", i, *error.absolute_path)
                    where = json_path(tuple(error.absolute_path))
                    diags.append(contract.diagnostic(
                        codes.CONTRACT_EXAMPLE,
                        f"example {i} does not validate at {where}: {error.message}",
                        ptr, hint="fix the example (or the schema, if the example is right)"))
        except referencing.exceptions.Unresolvable:
            continue  # the unresolvable $ref is already a finding


def _check_lock(registry: ContractRegistry, diags: list[Diagnostic]) -> None:
    interrupted = PromotionJournal(registry.root).diagnostic()
    if interrupted is not None:
        diags.append(interrupted)
    lock = registry.lock
    if lock is None:
        return
    lock_shown = relative(lock.path, registry.root)
    for contract in registry:
        entry = lock.get(contract.name, contract.version)
        if contract.status in ("released", "deprecated"):
            if entry is None or not entry.sha256:
                diags.append(contract.diagnostic(
                    codes.CONTRACT_IMMUTABLE,
                    f"{contract.name}@{contract.version} is {contract.status} but not "
                              "recorded in contracts/registry.lock", "/x-accord/status",
                    hint=f"promote it with `accord promote {contract.name} {contract.version} "
                         "--to released`, or set its status back to candidate"))
            elif entry.sha256 != contract.sha256:
                diags.append(contract.diagnostic(
                    codes.CONTRACT_IMMUTABLE,
                    f"released contract {contract.name}@{contract.version} was edited "
                              f"(sha256 {contract.sha256[:12]}…, locked {entry.sha256[:12]}…): "
                              "released contracts are immutable — add a new version", "",
                    hint="restore this file from version control and put the change in a new "
                         "version file"))
    for (name, version), entry in sorted(lock.entries.items()):
        if entry.status in ("released", "deprecated") and (name, version) not in \
                registry.contracts and not (registry.root / "contracts" / "canonical" / name /
                                            f"{version}.yaml").exists():
            diags.append(Diagnostic(
                codes.CONTRACT_IMMUTABLE,
                f"released contract {name}@{version} is recorded in the lock but its "
                          "file is missing", lock_shown, 1, 1,
                hint=f"restore contracts/canonical/{name}/{version}.yaml from version control: "
                     "released versions are never deleted, only deprecated"))
