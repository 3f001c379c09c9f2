"""The one catalogue of diagnostic codes: each code with its summary and its usual fix.

A finding's code is a :class:`Code`, a ``str`` (``"ACC401"``) that also carries its ``summary``
and ``hint``; every module names codes through this catalogue (``codes.EXPRESSION_SYNTAX``),
never as a literal, and ``docs/diagnostics.md`` is generated from it
(``python -m accord.codes > docs/diagnostics.md``; a test keeps the two equal).

Ranges: ACC0xx reading files and inputs, ACC1xx contracts, ACC2xx systems and API
descriptions, ACC3xx versions and compatibility, ACC4xx mapping specs, examples and generated
code, ACC5xx promotion, ACC6xx running, ACC7xx the contract-testing harness (700-719
simulators, 720-739 pacts, 740-759 verification and the matrix, 760-769 fuzzing, 770-779
property tests), ACC8xx the workspace database, ACC9xx the pipeline.
"""

from __future__ import annotations

__all__ = ["CATALOGUE", "Code", "markdown"]


class Code(str):
    """A diagnostic code: compares and serialises as its string, knows its summary and hint."""

    summary: str
    hint: str

    def __new__(cls, code: str, summary: str, hint: str = "") -> Code:
        self = super().__new__(cls, code)
        self.summary = summary
        self.hint = hint
        return self

    def __reduce__(self) -> tuple[type[Code], tuple[str, str, str]]:
        return (Code, (str(self), self.summary, self.hint))


#: every code, by its string
CATALOGUE: dict[str, Code] = {}


def _code(code: str, summary: str, hint: str = "") -> Code:
    if code in CATALOGUE:
        raise ValueError(f"diagnostic code {code} defined twice")
    CATALOGUE[code] = Code(code, summary, hint)
    return CATALOGUE[code]


# -- reading files and inputs --------------------------------------------------------------
FILE_UNREADABLE = _code(
    'ACC001', 'file cannot be read',
    'check the path exists, is a regular file and is readable',
)
NOT_UTF8 = _code('ACC002', 'file is not valid UTF-8', 'save the file as UTF-8')
EMPTY_FILE = _code('ACC003', 'file is empty', 'write the document, or delete the file')
TAB_INDENT = _code('ACC004', 'tab character in YAML indentation', 'indent with spaces')
MALFORMED_YAML = _code(
    'ACC005', 'malformed YAML or JSON',
    'fix the syntax at the line and column shown',
)
DUPLICATE_KEY = _code('ACC006', 'duplicate key in a mapping', 'keep one of the two keys')
OUTSIDE_WORKSPACE = _code(
    'ACC010', 'a path leaves the workspace',
    "name a file inside the workspace, by a relative path without '..' and no symlink out",
)
NOT_REGULAR_FILE = _code(
    'ACC011', 'a FIFO, device or other special file where a file is expected',
    'replace it with a regular file',
)
FILE_LOOP_OR_DENIED = _code(
    'ACC012', 'a symlink loop or a file that cannot be opened',
    'fix the symlink or the permissions',
)
FILE_TOO_LARGE = _code(
    'ACC013', 'file larger than the limit',
    'split it, or raise ACCORD_MAX_FILE_BYTES',
)
WRITE_FAILED = _code(
    'ACC014', 'an output could not be written (disk full, read-only, denied)',
    'free space or fix permissions; the previous file is kept',
)
OUTPUT_LOCKED = _code(
    'ACC015', 'another accord process holds the output',
    'wait for the other run to finish, or write elsewhere',
)
PROMOTION_INTERRUPTED = _code(
    'ACC016', 'a promotion was interrupted between the contract and registry.lock',
    'run `accord promote` again: it completes or rolls back the interrupted one first',
)
ALIAS_BOMB = _code(
    'ACC020', 'YAML aliases expand the file past the node limit',
    'write the values out, or use fewer aliases',
)
RECURSIVE_ALIAS = _code('ACC021', 'a YAML node contains an alias to itself', 'remove the recursion')
TOO_DEEP = _code('ACC022', 'nested deeper than the limit', 'flatten the document')
# -- contracts -----------------------------------------------------------------------------
CONTRACT_LAYOUT = _code(
    'ACC100', 'a file or folder where the contract layout expects something else',
    'contracts live at contracts/canonical/<snake_case_name>/<MAJOR.MINOR.PATCH>.yaml',
)
CONTRACT_FILE_NAME = _code(
    'ACC101', 'contract file name is not a semantic version',
    'name the file MAJOR.MINOR.PATCH.yaml',
)
CONTRACT_NOT_MAPPING = _code(
    'ACC102', 'a contract must be a JSON Schema object',
    'write the schema as a YAML mapping',
)
CONTRACT_META_SCHEMA = _code(
    'ACC103', 'not a valid JSON Schema 2020-12 document',
    'fix the keyword shown; $schema must be the 2020-12 dialect',
)
CONTRACT_X_ACCORD = _code(
    'ACC104', 'missing or malformed x-accord block',
    'add x-accord: {version, status, compatibility, owner}',
)
CONTRACT_IDENTITY = _code(
    'ACC105', 'file name, x-accord.version and $id disagree',
    'make all three name the same version',
)
CONTRACT_REF = _code(
    'ACC106', 'a $ref does not resolve to a contract of the registry',
    'refer to urn:accord:contract:<name>:<version> or a relative path inside contracts/',
)
CONTRACT_REF_CYCLE = _code('ACC107', 'a cyclic $ref', 'break the cycle')
CONTRACT_EXAMPLE = _code(
    'ACC108', 'a contract example does not validate',
    'fix the example or the schema',
)
CONTRACT_IMMUTABLE = _code(
    'ACC109', 'a released contract was edited, is missing from the lock, or deleted',
    'released contracts are immutable — add a new version',
)
LOCK_UNREADABLE = _code(
    'ACC110', 'contracts/registry.lock is unreadable',
    'restore it from version control',
)
# -- systems and API descriptions ----------------------------------------------------------
SYSTEM_FORMAT = _code(
    'ACC200', 'system.yaml does not match the format',
    'the hint names the allowed keys; see `accord schema system`',
)
SYSTEM_NAME = _code(
    'ACC201', 'system name differs from its directory, or is defined twice',
    'rename the system or its directory',
)
API_CHANGED = _code(
    'ACC202', "the API description's sha256 differs from its pin",
    'review the change, then update sha256 (or re-import: accord system import)',
)
API_NOT_FOUND = _code(
    'ACC203', 'the API description file does not exist',
    'fix api: or derive it with `accord system import NAME --from FILE|URL`',
)
API_MALFORMED = _code('ACC204', 'the API description is not UTF-8 YAML/JSON', 'fix the file')
API_NOT_OPENAPI = _code('ACC205', 'not an OpenAPI 3.0/3.1 description', 'convert it to OpenAPI 3')
API_REF = _code(
    'ACC206', 'a $ref in the API description does not resolve or leaves the file',
    'bundle the description into one file',
)
API_UNKNOWN_NAME = _code('ACC207', 'unknown schema or operation', 'use a name from the description')
API_NO_BODY = _code(
    'ACC208', 'the operation has no JSON request or response body',
    'pick another operation',
)
API_UNPINNED = _code(
    'ACC209', "an API description outside the system's folder is not pinned",
    'add sha256:, or import it into the workspace',
)
SYSTEM_LAYOUT = _code(
    'ACC210', 'a file or folder under contracts/systems without system.yaml',
    'move it',
)
UPSTREAM_MISSING = _code(
    'ACC220', 'the upstream API description is not at hand',
    'put the vendor file where the message says, or pass --allow-missing-upstream',
)
UPSTREAM_CHANGED = _code(
    'ACC221', 'the upstream description changed since it was imported',
    're-import it and review the changes listed',
)
IMPORT_DRIFT = _code(
    'ACC222', 'openapi.yaml is not what the derivation gives',
    're-run `accord system import NAME`',
)
UPSTREAM_LACKS_NAME = _code(
    'ACC223', 'a mapping names a schema or operation the upstream lacks',
    'fix the mapping, or import a description that has it',
)
UPSTREAM_REF = _code(
    'ACC224', 'an upstream $ref does not point into components/',
    'bundle the vendor description first',
)
# -- versions and compatibility ------------------------------------------------------------
VERSION_MALFORMED = _code('ACC300', 'a version is not MAJOR.MINOR.PATCH', 'use semantic versioning')
BUMP_MAJOR_NEEDED = _code('ACC301', 'the changes need a major bump', 'release it as the next major')
BUMP_MINOR_NEEDED = _code('ACC302', 'the changes need a minor bump', 'bump the minor version')
BUMP_TOO_BIG = _code('ACC303', 'a bigger bump than the changes need', 'a smaller bump is enough')
VERSION_ORDER = _code(
    'ACC304', 'a version does not come after the previous one',
    'pick a higher version',
)
BUMP_NO_RESET = _code(
    'ACC305', 'a major/minor bump that does not reset the lower parts',
    'e.g. 2.0.0 after 1.2.3',
)
COMPAT_REF = _code(
    'ACC310', 'a $ref the compatibility check cannot resolve',
    'fix the $ref (see ACC106)',
)
BREAKING_CHANGE = _code(
    'ACC320', 'a breaking change under the compatibility mode',
    'make the change compatible, or release a new major',
)
CHANGE = _code('ACC321', 'a compatible change', '')
DEPRECATED_TARGET = _code(
    'ACC340', 'a mapping uses a deprecated contract version',
    'move the mapping to the released version named',
)
SUNSET_PASSED = _code(
    'ACC341', 'a mapping uses a deprecated version past its sunset date',
    'move the mapping to the released version named',
)
SUNSET_MALFORMED = _code('ACC342', 'x-accord.sunset is not a calendar date', 'write YYYY-MM-DD')
# -- mapping specs, examples and generated code --------------------------------------------
SPEC_FORMAT = _code(
    'ACC400', 'a mapping spec, lookup table or flow breaks its format',
    'see `accord schema mapping` / `lookup` / `flow`',
)
EXPRESSION_SYNTAX = _code('ACC401', 'expression syntax error', 'fix the expression at the caret')
ENDPOINT_UNRESOLVED = _code(
    'ACC402', 'the source or target does not resolve',
    "name a contract@version, or a system's schema or operation",
)
LOOKUP_NOT_FOUND = _code(
    'ACC403', 'lookup table not found',
    'add mappings/lookups/<name>.yaml or fix the name',
)
EXAMPLE_NOT_FOUND = _code('ACC404', 'example file not found', 'paths are relative to the spec file')
LOOKUP_NAME = _code(
    'ACC405', "a lookup file's name differs from its `name`",
    'rename the file or the table',
)
SPEC_NAME_TWICE = _code('ACC406', 'two specs share a name', 'rename one')
EXTRA_FIELDS_ON_TARGET = _code(
    'ACC407', 'extra_fields on a target',
    'add the property to the target contract instead',
)
UNKNOWN_PATH = _code(
    'ACC410', 'a path is not in the source schema',
    'use a path of the schema, or declare it in extra_fields',
)
NOT_OBJECT = _code('ACC411', 'a property read on a non-object', 'read the property of an object')
UNKNOWN_FUNCTION = _code('ACC412', 'unknown function', 'see docs/functions.md')
ARITY = _code('ACC413', 'wrong number of arguments', 'see docs/functions.md')
NO_PARENT = _code('ACC414', 'parent() outside each', 'use parent() inside an each block')
NOT_ARRAY = _code('ACC415', 'projection or index on a non-array', 'project over an array')
TYPE_MISFIT = _code(
    'ACC420', "the value's type does not fit the target property",
    'convert it (to_string, to_number, ...)',
)
MAY_BE_NULL = _code(
    'ACC421', 'may be null where the target requires a value',
    'add a default, or required: true',
)
OUTSIDE_ENUM = _code('ACC422', 'a value outside the target enum', 'map it through a lookup')
FORMAT_MISFIT = _code(
    'ACC423', "string format differs from the target's",
    'convert it (to_date, to_timestamp, format_date)',
)
LOOKUP_INCOMPLETE = _code(
    'ACC424', 'the lookup misses values of the source enum and has no on_miss',
    'add the values, or on_miss',
)
FREE_TEXT_ENUM = _code('ACC425', 'free text into an enum without a lookup', 'add a lookup')
TYPE_PARTLY_FITS = _code(
    'ACC426', "the value's type only partly fits the target property",
    'convert or guard the other types',
)
PATTERN_MISFIT = _code(
    'ACC427', "a literal, default or lookup output breaks the target's pattern or length",
    'fix the value',
)
REQUIRED_UNMAPPED = _code(
    'ACC430', 'a required target property is not mapped',
    'map it or give a default',
)
UNKNOWN_TARGET = _code('ACC431', 'unknown target property', 'use a property of the target schema')
EACH_NOT_ARRAY = _code('ACC432', 'each onto a non-array target', 'map each onto an array property')
MAPPED_TWICE = _code('ACC433', 'a target property is mapped twice', 'keep one rule')
EXAMPLE_MISMATCH = _code(
    'ACC440', "a golden example's output differs",
    'fix the rule, or review and run `accord test examples --update`',
)
EXAMPLE_RAISED = _code('ACC441', 'a golden example raised', 'fix the rule or the example input')
EXAMPLE_UNREADABLE = _code(
    'ACC442', 'a golden example file is not readable JSON',
    'example files hold one JSON document each',
)
EXAMPLE_INVALID = _code(
    'ACC444', 'a golden output breaks the target schema',
    'fix the expected output or the mapping',
)
GENERATED_STALE = _code('ACC450', 'a generated module is stale', 'run `accord generate`')
GENERATED_ORPHAN = _code(
    'ACC451', 'a generated module has no spec',
    'run `accord generate` (it deletes it)',
)
GENERATED_MISSING = _code('ACC452', 'a generated module is missing', 'run `accord generate`')
GENERATION_FAILED = _code('ACC453', 'a spec cannot be generated', 'fix the finding named')
GENERATED_STRUCTURE = _code(
    'ACC460', 'the rendered module failed its structure check',
    'report it: user text must never reach code',
)
SAME_MODULE = _code(
    'ACC461', 'two specs would generate the same module',
    'rename one spec file or move it to another flow folder (compared ignoring case)',
)
MODULE_STALE = _code(
    'ACC462', 'a generated module is stale for its spec: refused, not imported',
    'run `accord generate`',
)
MODULE_TAMPERED = _code(
    'ACC463', 'a generated module differs from what its spec generates: refused, not imported',
    'run `accord generate`; change the spec, never the module',
)
MODULE_UNVERIFIED = _code(
    'ACC464', 'a generated module cannot be checked against a spec: refused, not imported',
    'run it from its workspace; `accord check`, then `accord generate`',
)
EXPRESSION_REFUSED = _code(
    'ACC465', 'an expression the compiler refuses (nested deeper than 64 levels, slice step 0)',
    'split it into smaller rules, or use a function instead of a long chain',
)
NULL_TO_STRING = _code(
    'ACC470', 'to_string() of a value that may be null (gives "null")',
    'write if(x != `null`, to_string(x)), or to_string(coalesce(x, ...))',
)
NULL_KEY_PART = _code(
    'ACC471', 'an idempotency key part may be null',
    "give an optional part a fallback (x || ''), or require it with when",
)
LOOKUP_CHAIN_GAP = _code(
    'ACC480', "a chained lookup's output has no entry in the next table",
    'add the entry, or on_miss',
)
NOT_A_CONTRACT = _code(
    'ACC481', 'a file given to accord compat is not a contract (a JSON Schema)',
    'compare two versions of a contract: contracts/canonical/<entity>/<version>.yaml',
)
# -- pacts derived from the mappings (ACC720-739) ------------------------------------------
PACT_STALE = _code(
    'ACC720', 'a pact file is stale: it differs from what its mapping derives',
    'run `accord pacts` and commit the result',
)
PACT_MISSING = _code('ACC721', 'a pact file is missing', 'run `accord pacts`')
PACT_ORPHAN = _code(
    'ACC722', 'a file under generated/pacts/ that no mapping derives',
    'delete it, or run `accord pacts` (it deletes the ones accord wrote); pacts are derived, '
    'never hand-written',
)
PACT_NO_OPERATION = _code(
    'ACC723', "no pact: the system's API description has no operation for the mapping's schema",
    'describe the read (GET item) or create operation in the API description, or re-import it '
    '(`accord system import SYSTEM`)',
)
PACT_NO_EXAMPLES = _code(
    'ACC724', 'no pact interactions: the mapping has no golden examples',
    'add golden examples to the mapping: each one becomes an interaction',
)
PACT_EXAMPLE_FAILED = _code(
    'ACC725', 'a golden example cannot become a pact interaction',
    'fix the example or the rule named (`accord test examples` says more)',
)
PACT_CANNOT_DERIVE = _code(
    'ACC727', "a mapping's pact cannot be derived: its source, target or API description does "
    'not load', 'fix what `accord check` reports for the mapping',
)
PACT_CONSUMER_FAILED = _code(
    'ACC726', "the consumer test failed: accord did not consume the pact's mock response",
    'report it: the pact would not hold what the mapping needs',
)
# -- verification against a provider (accord verify) ----------------------------------
VERIFY_MISMATCH = _code(
    'ACC740', "a provider's response or message does not match the pact",
    'the mapping rule named depends on the field: fix the provider, or the rule and its schema',
)
VERIFY_NO_PACTS = _code(
    'ACC741', 'no pact in generated/pacts names the system as its provider',
    'derive them: accord pacts (a system no mapping uses has nothing to verify)',
)
VERIFY_UNREACHABLE = _code(
    'ACC742', 'the provider (or its provider-state URL) cannot be reached',
    'start it, or check --base-url / the environment\'s base_url',
)
VERIFY_ENVIRONMENT = _code(
    'ACC743', 'the environment cannot be used: unknown, no base_url, or a credential unset',
    "declare it under environments: in system.yaml and export the variables its auth names",
)
VERIFY_NO_OPERATION = _code(
    'ACC744', "a pact interaction has no operation in the provider's API description",
    'the API description lost the path or method: re-import it, or fix the mapping',
)
VERIFY_REQUEST_INVALID = _code(
    'ACC745', "a pact's request is not valid for its operation's request schema",
    "the rule named writes a field the API description does not accept",
)
VERIFY_RESPONSE_FIELD = _code(
    'ACC746', "a field a pact expects is missing from the response schema, or has another type",
    'the rule named reads a field the API description no longer has (renamed, retyped)',
)
VERIFY_STATUS = _code(
    'ACC747', "a pact's response status is not declared by the operation",
    'check the operation\'s responses in the API description',
)
VERIFY_PUBLISH_FAILED = _code(
    'ACC748', 'publishing pacts or verification results to the Pact Broker failed',
    'check PACT_BROKER_BASE_URL and its credentials (PACT_BROKER_TOKEN or USERNAME/PASSWORD)',
)
VERIFY_PACT_UNREADABLE = _code(
    'ACC749', 'a pact file cannot be used (not JSON, not a V4 pact, or no provider)',
    'regenerate it: accord pacts',
)
# -- the contract-testing harness: simulators -----------------------------------------------
SIM_NO_COLLECTION = _code(
    'ACC700', 'a system has no collection a simulator can serve',
    'its API description needs an item path (GET /things/{id}) returning a schema a mapping '
    'names; re-import it (accord system import NAME)',
)
SIM_SEED_SKIPPED = _code(
    'ACC701', 'a golden example could not seed a simulator',
    'give the example input the record\'s id field, as the system sends it',
)
SIM_STATE = _code(
    'ACC702', 'the simulator state file cannot be used',
    'name a new file, or one a simulator wrote (--state FILE)',
)
SIM_PORT = _code('ACC703', 'the simulator cannot listen on the port',
                 'choose another --port, or leave it out')
SIM_UNKNOWN_SYSTEM = _code('ACC704', 'no such system to simulate',
                           'name a system under contracts/systems/')
# -- the contract-testing harness: fuzzing ---------------------------------------------------
FUZZ_FAILED = _code(
    'ACC760', 'the provider failed a Schemathesis check',
    'the response differs from the API description: fix the provider, or re-import the '
    'description if the vendor changed it',
)
FUZZ_NO_OPERATIONS = _code('ACC761', 'no operation to fuzz',
                           'map a schema of the system (its collection\'s operations are fuzzed)')
FUZZ_UNKNOWN_CHECK = _code('ACC762', 'unknown Schemathesis check',
                           'use a check Schemathesis 4 names (the message lists them)')
FUZZ_ENVIRONMENT = _code(
    'ACC763', 'the environment to fuzz is not usable',
    'declare it under environments: in system.yaml with a base_url, or pass --base-url URL',
)
FUZZ_UNREACHABLE = _code('ACC764', 'the provider could not be reached',
                         'start the provider, or check --base-url / the environment\'s base_url')
# -- property tests through the transformers (ACC770-ACC779) ------------------------------
PROPERTY_UNHANDLED = _code(
    'ACC770', 'a transformer raised an unhandled exception on a record its source allows',
    'a rule must fail a record with a typed dead letter, never crash: regenerate the module '
    '(`accord generate`) or fix the hand-written transformer at the line shown',
)
PROPERTY_UNDELIVERED = _code(
    'ACC771', 'an output the target rejects was written instead of dead-lettered',
    'run the transformer with the target validation of `accord run` (never --no-validate), '
    'and make key() return a string',
)
PROPERTY_NOT_JSON = _code(
    'ACC772', 'a transformer returned a value JSON cannot hold',
    'make the rule return strings, numbers, booleans, null, arrays and objects only',
)
PROPERTY_BREAKS_TARGET = _code(
    'ACC773', 'a record the source allows became an output the target rejects (--strict)',
    'map the value into what the target accepts, or make the rule reject the record itself '
    '(`required`, a `when`, a lookup with on_miss: error)',
)
PROPERTY_UNSTABLE = _code(
    'ACC774', 'a transformer gave two different results for one record',
    'a transformer must be a pure function of its record: no clocks, randomness or state',
)
PROPERTY_NO_RECORDS = _code(
    'ACC775', 'no records could be generated from a mapping\'s source schema',
    'fix the source schema (it admits no record), or the spec so that it generates; '
    '`accord check` says why',
)
PYTEST_WORKSPACE = _code(
    'ACC776', 'the accord pytest plugin found no workspace where accord_workspace points',
    'set accord_workspace (pytest ini options) to the folder holding contracts/, relative '
    'to the ini file',
)
# -- promotion -------------------------------------------------------------------------------
GATE_NOT_VERIFIED = _code(
    'ACC500', 'promoting to released needs every pact involving the version verified',
    'run `accord verify SYSTEM --env ENV` for each pact listed, or waive with '
    '`--waive verification --reason TEXT`',
)
WAIVER_NEEDS_REASON = _code(
    'ACC501', 'a waiver without a reason (or a reason without a waiver)',
    'give both: `--waive verification --reason "why this release may ship unverified"`',
)
WAIVER_NOT_APPLICABLE = _code(
    'ACC502', 'a waived criterion does not guard this promotion',
    'waive only a criterion of the target status (verification guards --to released)',
)
# -- the contract-testing harness: the verification matrix ---------------------------------
PACT_UNREADABLE = _code(
    'ACC750', 'a pact file under generated/pacts/ cannot be read or has no metadata.accord',
    'regenerate the pacts (`accord pacts`); they are derived, never written by hand',
)
NOT_VERIFIED = _code(
    'ACC751', 'a pact involving the contract version was never verified against the environment',
    'run `accord verify SYSTEM --env ENV`',
)
VERIFICATION_FAILED = _code(
    'ACC752', "a pact's latest verification against the environment failed",
    'fix the provider or the mapping rule named in the mismatch, then verify again',
)
PACT_CHANGED = _code(
    'ACC753', 'the pact changed since it was last verified (its sha256 differs)',
    'verify the current pact: `accord verify SYSTEM --env ENV`',
)
NO_PACT_NAMES_VERSION = _code(
    'ACC754', 'a mapping talks to a system with the contract version, but no pact names it',
    'run `accord pacts` and commit generated/pacts/',
)
VERIFICATION_INVALID = _code(
    'ACC755', 'a verification result that cannot be recorded',
    'outcome is passed or failed, verified_at an ISO 8601 time with a zone, paths relative',
)
NOTHING_TO_VERIFY = _code(
    'ACC756', 'no pact involves the contract version: nothing to verify',
    'nothing to do; a mapping that talks to a system with this version would bring a pact',
)
# -- the sync state: ledger, exception queue, lineage, periods (ACC610-ACC629) ---------------
SYNC_EXCEPTION_UNKNOWN = _code(
    'ACC610', 'no exception in the queue has this id',
    'list them with `accord exceptions list --status all` and use an id it shows',
)
SYNC_EXCEPTION_CLOSED = _code(
    'ACC611', 'the exception is no longer open (already resolved, discarded or replayed)',
    'nothing to do: `accord exceptions show ID` shows who closed it and how; a new failure of '
    'the record opens a new exception',
)
SYNC_NOTE_REQUIRED = _code(
    'ACC612', 'closing an exception needs a note (resolve) or a reason (discard)',
    'say what was done or why the record is dropped: --note TEXT / --reason TEXT',
)
SYNC_PERIOD_INVALID = _code(
    'ACC613', 'not an accounting period or a date accord can place in one',
    'write the period as a calendar month YYYY-MM (2026-01) and dates as ISO 8601 '
    '(2026-01-31 or 2026-01-31T17:00:00Z)',
)
SYNC_LINEAGE_UNKNOWN = _code(
    'ACC614', 'no lineage for this id',
    'give a source id, a canonical id (or key) or a target id that a sync has recorded; '
    'narrow with --flow FLOW when the id is in several flows',
)
SYNC_STATE_INVALID = _code(
    'ACC615', 'a value the sync state cannot record',
    'use a value the message lists (error classes, statuses, operations), and mark a target '
    'delivered only after intending it (Ledger.intend)',
)
SYNC_RUN_UNKNOWN = _code('ACC616', 'no sync run has this id',
                         'use the run id a sync printed, or look up the flow\'s last run')
# -- the workspace database ----------------------------------------------------------------
DATABASE_URL_INVALID = _code(
    'ACC800', 'ACCORD_DATABASE_URL is not a database URL accord supports',
    'use postgresql://USER@HOST:PORT/DB (PostgreSQL), or unset it for SQLite in .accord/',
)
DATABASE_UNREACHABLE = _code(
    'ACC801', 'the database cannot be reached or refused the connection',
    'check the host, port, user, database name and that the server runs',
)
DATABASE_NOT_SQLITE = _code(
    'ACC802', 'the workspace database file is not a SQLite database (or cannot be opened)',
    'move .accord/accord.db away; accord creates a new one (the matrix starts empty)',
)
DATABASE_NEWER = _code(
    'ACC803', 'the database was migrated by a newer accord',
    'upgrade accord, or point ACCORD_DATABASE_URL at another database',
)
MIGRATION_CHANGED = _code(
    'ACC804', 'a migration applied to the database differs from this accord\'s',
    'migrations are append-only: restore the original, add a new numbered one',
)
MIGRATION_FAILED = _code(
    'ACC805', 'a schema migration failed (nothing of it was applied)',
    'fix the cause shown (permissions: the user needs CREATE on the database)',
)
DATABASE_QUERY_FAILED = _code(
    'ACC806', 'a query of the workspace database failed',
    'check the database is writable and not full; the message says why',
)
# -- system-of-record ownership (482-489) ---------------------------------------------------
OWNER_CONFLICT = _code(
    'ACC482', 'a mapping writes a canonical property another system owns',
    "map the property only from its owner's system (or mark it `{n/a: owned by ...}`), or "
    "change the owner in a new contract version",
)
OWNER_MALFORMED = _code(
    'ACC483', 'an ownership declaration that names no property',
    'put x-accord-owner on a property schema, or key x-accord.owners by a pointer to one '
    '(/properties/<name>, .../items/properties/<name>)',
)
OWNER_UNKNOWN = _code(
    'ACC484', 'an owner that is neither a system of the workspace nor a system kind',
    'name a system under contracts/systems/ or a kind: crm, psa, erp, hcm, timekeeping',
)
OWNER_TWICE = _code(
    'ACC485', 'a property given two different owners',
    'declare the owner once: x-accord-owner on the property or an x-accord.owners entry',
)
# -- flows (490-499) ----------------------------------------------------------------------
FLOW_NAME = _code(
    'ACC490', "a flow's name is not the name of its folder",
    'name the flow after its folder: mappings/<name>/flow.yaml',
)
FLOW_SYSTEM_UNKNOWN = _code(
    'ACC491', 'a flow names a system that is not under contracts/systems/',
    'add contracts/systems/<name>/system.yaml, or fix the name',
)
FLOW_MAPPING_UNKNOWN = _code(
    'ACC492', 'a flow names a mapping that does not exist (or did not load)',
    'use the name: of a spec under mappings/ (`accord check` shows why a spec did not load)',
)
FLOW_MAPPING_DIRECTION = _code(
    'ACC493', "a mapping does not go where its place in the flow says",
    "an inbound mapping reads the source system and writes the flow's entity; an outbound "
    "mapping reads the entity and writes the target system",
)
FLOW_OPERATION = _code(
    'ACC494', "an operation the system's API description does not have",
    'use an operation the description serves for that record schema, or re-import the system',
)
FLOW_CONTRACT = _code(
    'ACC495', "a flow's contract is unknown, or a mapping's version cannot read the entity",
    'name an existing contract version; keep every mapping of a flow on versions that read '
    'each other (accord compat)',
)
FLOW_EXPRESSION = _code(
    'ACC496', "a flow's key or gate reads a path the canonical contract does not have",
    'read a property of the entity (accord check lists the known ones)',
)
FLOW_OWNER_MISSING = _code(
    'ACC497', 'an error class of a flow has no owner',
    'name an owner for the class under exceptions:, or a default',
)
FLOW_POLICY_SYSTEM = _code(
    'ACC498', 'call settings for a system the flow does not use',
    'key systems: by the flow\'s source and target systems, or default',
)
FLOW_EMPTY = _code(
    'ACC499', 'a flow that reads nothing and delivers nowhere, or names a system twice',
    'give the flow a source or a target, once per system',
)
# -- calling a system's API (accord.sync wire: ACC630-649) -------------------------------
CALL_AUTHENTICATION = _code(
    'ACC630', 'the system refused the credentials (401 or 403)',
    'check the credential in the environment variable the system.yaml names, and its scopes',
)
CALL_CREDENTIAL_MISSING = _code(
    'ACC631', 'an environment variable the system\'s auth names is not set',
    'export the variable (its value is sent to the system, never shown or stored)',
)
CALL_UNAVAILABLE = _code(
    'ACC632', 'the system stayed unavailable after every retry (timeout, connection error, '
    '408, 429 or 5xx)',
    'check the system is up; raise retry.max_attempts or timeout in the flow\'s systems block',
)
CALL_REJECTED = _code(
    'ACC633', 'the system refused the request (a 4xx other than 401, 403, 408 and 429)',
    'read the provider\'s error shown with it: the record or the mapping sends what the API '
    'does not accept',
)
CALL_BAD_RESPONSE = _code(
    'ACC634', 'the system answered with a body accord cannot use (not JSON, too large, no '
    'record or id where the API description puts it, a link to another host)',
    'compare the response with the operation in the system\'s openapi.yaml',
)
CALL_NO_OPERATION = _code(
    'ACC635', 'the system\'s API description has no operation for the call',
    'use an operation the collection serves (accord simulate SYSTEM --dry-run lists them)',
)
CALL_ENVIRONMENT = _code(
    'ACC636', 'the environment to call cannot be used: undeclared, or no base_url',
    'declare it under environments: in the system.yaml (base_url, auth), or use local',
)
# -- running on several processes and on Apache Beam (ACC690-699) --------------------------
RUN_WORKER_DIED = _code(
    'ACC690', 'a worker process of `accord run --workers` died',
    'nothing was written: run again (with fewer --workers if memory ran out, or --workers 1 '
    'to see the failure in one process)',
)
# -- reconciliation (accord reconcile: 680-689) -------------------------------------------
RECONCILE_MEASURE_TYPE = _code(
    'ACC680', 'a reconcile measure that can never be a number',
    'total a number or a decimal string of the entity (hours, budget.amount), not an object',
)
RECONCILE_TOTALS = _code(
    'ACC681', "a group's count or totals differ between the source and what was delivered",
    'run accord sync FLOW; the records below the totals say which ones differ',
)
RECONCILE_NOT_DELIVERED = _code(
    'ACC682', 'a source record that passes the gates was never delivered',
    'run accord sync FLOW, or look for its exception (accord exceptions list)',
)
RECONCILE_NOT_IN_SOURCE = _code(
    'ACC683', 'a delivered record is no longer in its source system',
    'it was deleted or moved at the source: remove or reverse it in the targets',
)
RECONCILE_CHANGED = _code(
    'ACC684', 'a source record changed since it was last synced',
    'run accord sync FLOW to deliver the change',
)
RECONCILE_DRIFT = _code(
    'ACC685', 'a target record differs from what the flow delivered (edited in the target)',
    'correct it in the target, or change the source and sync again',
)
RECONCILE_TARGET_MISSING = _code(
    'ACC686', 'a delivered record is missing in the target system (404), or was never confirmed',
    'it was deleted in the target: clear its ledger entry and sync again',
)
RECONCILE_UNMAPPED = _code(
    'ACC687', 'a source record that cannot be mapped or validated into the entity',
    'see its exception (accord exceptions list) and fix the record or the mapping',
)
RECONCILE_MEASURE_VALUE = _code(
    'ACC688', 'a reconcile measure that is not a number on a record',
    'make the measure read a number or a decimal string on every record',
)
RECONCILE_UNREADABLE = _code(
    'ACC689', 'a system could not be read for reconciliation',
    'check the system is reachable (accord reconcile --env) and its credentials',
)
# -- the pipeline --------------------------------------------------------------------------
STAGE_FAILED = _code('ACC900', 'a pipeline stage could not run', 'fix the error shown')


def markdown() -> str:
    """The catalogue as the Markdown page docs/diagnostics.md."""
    lines = [
        "# Diagnostic codes",
        "",
        "Generated from `framework/accord/codes.py` (`python -m accord.codes > "
        "docs/diagnostics.md`);",
        "a test keeps this page equal to the catalogue. Every finding names its file, line and",
        "column (or JSON pointer); the hint printed with it is specific, the one here is the",
        "usual fix.",
        "",
        "| code | what | usual fix |",
        "|---|---|---|",
    ]
    for code in sorted(CATALOGUE):
        entry = CATALOGUE[code]
        lines.append(f"| {code} | {entry.summary} | {entry.hint} |".replace("|  |", "| |"))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
