"""Which system an environment means, and a client for each.

``open_systems(root, systems, env, policies)`` yields one :class:`~accord.sync.http.SystemClient`
per system, with the flow's call policy for it:

- ``local`` (the default; or any environment with ``simulator: true``): the system's simulator
  on 127.0.0.1, its state in ``.accord/simulators/<system>.db`` in the workspace, so what one
  ``accord sync`` wrote is there for the next (and an ``Idempotency-Key`` answered before a
  crash is still answered the same after it);
- a declared environment: its ``base_url``, its ``headers``, and credentials from the
  environment variables its ``auth`` names (``bearer_env``, ``basic_user_env`` /
  ``basic_password_env``, ``api_key_env`` with ``api_key_header``), resolved as
  ``accord verify --env`` resolves them. Every variable is checked before any call: a missing
  one is a :class:`~accord.errors.CallError` ``authentication`` naming the variable (ACC631).
  Values are sent, never logged or stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from accord import codes
from accord.diagnostics import Diagnostic
from accord.errors import CallError, UsageError
from accord.mapping.flow import CallPolicy, ErrorClass
from accord.sync.http import SystemClient
from accord.workspace.systems import Environment, System, get_system, load_systems

__all__ = ["LOCAL", "SIMULATOR_STATE_DIR", "client_for", "open_systems", "simulator_state"]

LOCAL = "local"
#: where the simulators of ``accord sync --env local`` keep their records, in the workspace
SIMULATOR_STATE_DIR = Path(".accord") / "simulators"


def simulator_state(root: str | Path, system: str) -> Path:
    """The state file of ``system``'s simulator for ``accord sync`` (its folder is made)."""
    folder = Path(root) / SIMULATOR_STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{system}.db"


def _environment(system: System, env: str) -> Environment:
    envdef = system.environments.get(env)
    if envdef is None and env == LOCAL:
        return Environment(LOCAL, simulator=True)
    if envdef is None:
        declared = ", ".join(sorted(system.environments)) or "none"
        message = f"system {system.name!r} declares no environment {env!r} (declared: " \
                  f"{declared})"
        raise UsageError(message, diagnostics=[Diagnostic(
            codes.CALL_ENVIRONMENT, message, system.display,
            hint="add it under environments: in the system.yaml, or use --env local")])
    if not envdef.simulator and not envdef.base_url:
        message = f"environment {env!r} of {system.name!r} has no base_url"
        raise UsageError(message, diagnostics=[Diagnostic(
            codes.CALL_ENVIRONMENT, message, system.display,
            hint="give it base_url: https://..., or simulator: true")])
    return envdef


def _check_credentials(system: System, envdef: Environment, environ: Mapping[str, str]) -> None:
    for role, var in sorted(envdef.auth.items()):
        if role.endswith("_env") and not environ.get(var):
            message = f"{system.name}: environment {envdef.name!r} needs ${var} " \
                      f"({role.removesuffix('_env').replace('_', ' ')}), which is not set"
            raise CallError(message, error_class=str(ErrorClass.AUTHENTICATION),
                            system=system.name, diagnostics=[Diagnostic(
                                codes.CALL_CREDENTIAL_MISSING, message, system.display,
                                hint=f"export {var} (its value is sent to {system.name}, "
                                     "never shown or stored)")])


def client_for(system: System, envdef: Environment, policy: CallPolicy,
               environ: Mapping[str, str]) -> SystemClient:
    """The client of a declared (not simulated) environment."""
    from accord.harness.verify import resolve_target

    _check_credentials(system, envdef, environ)
    target = resolve_target(system, envdef.name, None, environ)
    auth = {k: v for k, v in target.headers.items() if envdef.headers.get(k) != v}
    return SystemClient(target.base_url, policy, system=system.name,
                        headers=dict(envdef.headers), auth=auth, secrets=target.secrets)


@contextmanager
def open_systems(workspace_root: str | Path, systems: Iterable[str], env: str = LOCAL,
                 policies: Mapping[str, CallPolicy] | None = None, *,
                 environ: Mapping[str, str] | None = None) -> Iterator[dict[str, SystemClient]]:
    """A client per system for ``env``: simulators started (and stopped on exit) or the
    declared environment's URL and credentials. Every system is resolved, and every
    credential checked, before any simulator starts or any call is made."""
    root = Path(workspace_root)
    environ = os.environ if environ is None else environ
    loaded, _diagnostics = load_systems(root)
    names = list(dict.fromkeys(systems))
    resolved = [(get_system(loaded, name), name) for name in names]
    plan = [(system, _environment(system, env)) for system, _ in resolved]
    for system, envdef in plan:
        if not envdef.simulator:
            _check_credentials(system, envdef, environ)
    clients: dict[str, SystemClient] = {}
    with ExitStack() as stack:
        for system, envdef in plan:
            policy = (policies or {}).get(system.name) or CallPolicy()
            if envdef.simulator:
                from accord.harness.simulator import running

                handle = stack.enter_context(running(
                    root, system.name, state_path=simulator_state(root, system.name)))
                client = SystemClient(handle.base_url, policy, system=system.name)
            else:
                client = client_for(system, envdef, policy, environ)
            stack.callback(client.close)
            clients[system.name] = client
        yield clients
