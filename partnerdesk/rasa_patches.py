"""Every change PartnerDesk makes to Rasa and its libraries, in one place.

A *patch* is any assignment onto an object or class that PartnerDesk does not define.
Where Rasa has an extension point (channels, tracker and lock stores, graph components,
policies) we use that instead; what is left is in :data:`PATCHES`, each with the behaviour
it replaces and the version it was written for; the private methods of Rasa's classes our
subclasses override or read are in :data:`PRIVATE_API`. ``tests/test_rasa_patches.py``
fails when a version differs from :data:`WRITTEN_FOR` or such an attribute is gone.

Nothing happens on import (Rasa loads no plugins): the Rasa server's channels call
:func:`apply` (:data:`RASA_SERVER`) from ``from_credentials``, the action server's package
with :data:`ACTION_SERVER`; both idempotent, a version mismatch logged as a WARNING.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Callable, Dict, List, Optional, Tuple

from partnerdesk.core.privacy import MaskingFilter
from partnerdesk.stores.failsafe_logging import FailSafeErrorToDebug

logger = logging.getLogger(__name__)

RASA_SERVER = "rasa_server"
ACTION_SERVER = "action_server"

WRITTEN_FOR = {
    "rasa": "3.6.21",
    "rasa-sdk": "3.6.2",
    "sanic": "21.12.2",
    "sanic-cors": "2.0.1",
    "python-engineio": "4.7.1",
    "python-socketio": "5.9.0",
    "sqlalchemy": "1.4.54",
}
"""The versions every patch and private override here was written and tested against."""


@dataclass(frozen=True)
class Patch:
    """One change to code we don't own.

    Attributes:
        target: Dotted path of what is replaced or changed (``module.attribute`` or
            ``module.Class.attribute``).
        package: The distribution whose behaviour it changes (a key of
            :data:`WRITTEN_FOR`).
        replaces: The behaviour it replaces, and why.
        scopes: The processes it is applied in.
        install: Makes the change; called once per process.
    """

    target: str
    package: str
    replaces: str
    scopes: Tuple[str, ...]
    install: Callable[[], None]


# --- custom actions that fail or hang get an apology, not silence ----------------------


def _install_remote_action() -> None:
    import rasa.core.actions.action as rasa_actions
    import rasa.core.actions.forms as rasa_forms

    from partnerdesk.dialogue.remote_action import ApologeticRemoteAction

    rasa_actions.RemoteAction = ApologeticRemoteAction
    rasa_forms.RemoteAction = ApologeticRemoteAction


# --- a memoised event-class lookup ---------------------------------------------------

_resolved: Dict[str, type] = {}
_original_resolve_by_type: List[Callable[..., Any]] = []


def resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
    """Rasa's ``Event.resolve_by_type``, remembering each class it finds.

    Rasa walks every subclass of ``Event`` for every event it deserialises (about a fifth
    of a turn, ``scripts/benchmarks/profile_turn.py``). A name's class never changes once
    imported; unknown names still go through Rasa's lookup and its errors.
    """
    cls = _resolved.get(type_name)
    if cls is None:
        cls = _original_resolve_by_type[0](type_name, default)
        if cls is not None and cls is not default:
            _resolved[type_name] = cls
    return cls


def _install_event_lookup() -> None:
    from rasa.shared.core.events import Event

    if not _original_resolve_by_type:
        _original_resolve_by_type.append(Event.resolve_by_type)
    Event.resolve_by_type = staticmethod(resolve_by_type)


# --- a turn's graph runs without dask; the parse's domain check without a new Domain --


def _install_graph_runner() -> None:
    import rasa.core.processor as rasa_processor

    from partnerdesk.dialogue.graph_runner import SequentialGraphRunner

    rasa_processor.DaskGraphRunner = SequentialGraphRunner


def _install_domain_is_empty() -> None:
    from rasa.shared.core.domain import Domain

    from partnerdesk.dialogue.domain_check import domain_is_empty

    Domain.is_empty = domain_is_empty


# --- logging: masking, and one ERROR per database outage ------------------------------

_MASKING = MaskingFilter("partnerdesk.privacy")


def _install_masking() -> None:
    """Mask every log record of the process (e-mail addresses, keys, tokens).

    In the record factory, not on loggers or handlers: a logger's filter misses its
    children's records, and handlers Rasa, Sanic or structlog add later would miss it.
    """
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_privacy", False):
        return

    def masking_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _MASKING.filter(record)
        return record

    masking_factory.masks_privacy = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masking_factory)


def _install_failsafe_filter() -> None:
    rasa_logger = logging.getLogger("rasa.core.tracker_store")
    if not any(isinstance(f, FailSafeErrorToDebug) for f in rasa_logger.filters):
        rasa_logger.addFilter(FailSafeErrorToDebug())


# --- sanic-cors: routes that answer CORS themselves ----------------------------------


def skip_sanic_cors(request: Any) -> None:
    """Tell sanic-cors's response middleware to leave this request's response alone.

    engine.io answers CORS for its own route; a second ``Access-Control-Allow-Origin``
    from ``rasa run --cors`` would make browsers refuse the response.
    """
    from sanic_cors.core import SANIC_CORS_EVALUATED

    setattr(request.ctx, SANIC_CORS_EVALUATED, "1")


PATCHES: Tuple[Patch, ...] = (
    Patch(
        "rasa.core.actions.action.RemoteAction", "rasa",
        "waits 300 s for the action server and sends nothing when an action fails",
        (RASA_SERVER,), _install_remote_action,
    ),
    Patch(
        "rasa.core.actions.forms.RemoteAction", "rasa",
        "the same, for the validation actions of forms",
        (RASA_SERVER,), lambda: None,  # installed with the one above
    ),
    Patch(
        "rasa.shared.core.events.Event.resolve_by_type", "rasa",
        "walks every Event subclass for every event deserialised",
        (RASA_SERVER,), _install_event_lookup,
    ),
    Patch(
        "rasa.core.processor.DaskGraphRunner", "rasa",
        "rebuilds the schema and dask graph of the targets on each of a turn's 3 graph runs",
        (RASA_SERVER,), _install_graph_runner,
    ),
    Patch(
        "rasa.shared.core.domain.Domain.is_empty", "rasa",
        "builds a whole empty Domain to compare with, on every parse",
        (RASA_SERVER,), _install_domain_is_empty,
    ),
    Patch(
        "logging.setLogRecordFactory", "rasa",
        "log records carry e-mail addresses, product keys and tokens partners paste",
        (RASA_SERVER, ACTION_SERVER), _install_masking,
    ),
    Patch(
        "rasa.core.tracker_store.logger", "rasa",
        "FailSafeTrackerStore logs one ERROR per turn while the database is down",
        (RASA_SERVER,), _install_failsafe_filter,
    ),
    Patch(
        "sanic_cors.core.SANIC_CORS_EVALUATED", "sanic-cors",
        "sanic-cors adds its headers to engine.io's responses, which carry their own",
        (RASA_SERVER,), lambda: None,  # set per request by skip_sanic_cors()
    ),
)  # fmt: skip

PRIVATE_API: Tuple[Tuple[str, str], ...] = (
    ("rasa.core.channels.rest.RestInput", "_extract_sender"),
    ("rasa.core.channels.rest.RestInput", "_extract_message"),
    ("rasa.core.tracker_store.SQLTrackerStore", "_retrieve"),
    ("rasa.core.actions.action.RemoteAction", "_validate_action_result"),
    # partnerdesk.dialogue.rule_policy.LeanRulePolicy (overrides, then reads)
    ("rasa.core.policies.policy.Policy", "_prediction_states"),
    ("rasa.core.policies.rule_policy.RulePolicy", "_get_possible_keys"),
    ("rasa.core.policies.rule_policy.RulePolicy", "_find_action_from_rules"),
    ("rasa.core.policies.rule_policy.RulePolicy", "_does_rule_match_state"),
    ("rasa.core.policies.rule_policy.RulePolicy", "_rule_key_to_state"),
    ("rasa.core.featurizers.tracker_featurizers.TrackerFeaturizer", "_choose_last_user_input"),
    ("rasa.shared.core.domain.Domain", "_clean_state"),
    ("rasa.core.tracker_store.FailSafeTrackerStore", "_tracker_store"),
    ("rasa.core.tracker_store.AwaitableTrackerStore", "_tracker_store"),
    ("socketio.server.Server", "_engineio_server_class"),
    ("socketio.asyncio_server.AsyncServer", "_engineio_server_class"),
)
"""Private attributes of library classes that our subclasses override or read."""

_applied: set = set()


def installed_version(package: str) -> Optional[str]:
    """The installed version of a distribution, or None."""
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _resolve(path: str) -> Any:
    """The object at a dotted path (modules, then attributes)."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            target = getattr(target, name)
        return target
    raise ImportError(path)


def problems() -> List[str]:
    """What no longer matches: versions, patched targets and private attributes."""
    found = [
        f"{package} {installed_version(package)} is installed; the patches were written "
        f"for {wanted}"
        for package, wanted in WRITTEN_FOR.items()
        if installed_version(package) != wanted
    ]
    for path in [patch.target for patch in PATCHES]:
        try:
            _resolve(path)
        except (ImportError, AttributeError):
            found.append(f"{path} no longer exists")
    for class_path, attribute in PRIVATE_API:
        if not _has_attribute(class_path, attribute):
            found.append(f"{class_path}.{attribute} no longer exists")
    return found


def _has_attribute(class_path: str, attribute: str) -> bool:
    """Whether the class has the attribute, or sets it on its instances (``self.x = ``)."""
    try:
        cls = _resolve(class_path)
    except (ImportError, AttributeError):
        return False
    return hasattr(cls, attribute) or f"self.{attribute} =" in inspect.getsource(cls)


def apply(scope: str = RASA_SERVER) -> None:
    """Apply the patches of ``scope`` (``RASA_SERVER`` or ``ACTION_SERVER``), once."""
    if scope in _applied:
        return
    _applied.add(scope)
    mismatched = [
        f"{package} {installed_version(package)} (written for {wanted})"
        for package, wanted in WRITTEN_FOR.items()
        if installed_version(package) != wanted
    ]
    if mismatched:
        logger.warning("PartnerDesk's Rasa patches may not fit: %s", "; ".join(mismatched))
    for patch in PATCHES:
        if scope in patch.scopes:
            patch.install()
