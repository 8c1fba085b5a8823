"""The nnsim file format: versioned JSON, validated on load, saved atomically.

Loading never executes anything: it is json.loads plus checks.  Every problem raises
NetworkFileError naming the file and the field at fault.  See docs/file-format.md.

Version 2 adds the network's setup beside it (dataset, rule, stop conditions, plots, display:
see setup.py); version 1 files (the network alone) still load, with the default setup.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from .atomic_write import atomic_file, write_json_atomic, write_text_atomic  # noqa: F401 (re-exported)
from .network import KINDS, ROLES, Network
from .setup import SETUP_FIELDS, Setup, setup_from_dict, setup_to_dict
from .units import ACTIVATIONS

FORMAT_NAME = "nnsim-network"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
NETWORK_FIELDS = ("format", "version", "name", "neurons", "synapses")
MAX_NEURONS = 100_000
MAX_SYNAPSES = 1_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024


class NetworkFileError(ValueError):
    """A file that is not a valid nnsim network; the message names the file and the field."""


def network_to_dict(net: Network) -> dict:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": net.name,
        "neurons": [
            {
                "id": n.id,
                "name": n.name,
                "role": n.role,
                "activation": n.activation,
                "bias": n.bias,
                "x": n.x,
                "y": n.y,
                "value": n.value,
                "params": dict(n.params),
            }
            for n in net.neurons
        ],
        "synapses": [
            {"source": s.source, "target": s.target, "weight": s.weight, "kind": s.kind}
            for s in net.synapses
        ],
    }


def _reject_constant(token: str):
    raise ValueError(f"{token} is not allowed (numbers must be finite)")


def parse_json(text: str | bytes, source: str) -> Any:
    """json.loads that refuses NaN and Infinity, with errors naming the source."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise NetworkFileError(f"{source}: not valid JSON (nested too deeply)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise NetworkFileError(f"{source}: not valid JSON ({exc})") from None


class _Fields:
    """Typed field access that raises NetworkFileError naming source and path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> NetworkFileError:
        return NetworkFileError(f"{self.source}: {where}: {problem}")

    def get(self, obj: dict, key: str, where: str, kinds: tuple, default: Any = ...) -> Any:
        if key not in obj:
            if default is ...:
                raise self.fail(f"{where}.{key}", "missing")
            return default
        value = obj[key]
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(f"{where}.{key}", f"expected {kinds[0].__name__}, found {value!r}")
        if not isinstance(value, kinds):
            raise self.fail(f"{where}.{key}",
                            f"expected {kinds[0].__name__}, found {type(value).__name__}")
        return value

    def number(self, obj: dict, key: str, where: str, default: Any = ...) -> float:
        value = self.get(obj, key, where, (float, int), default)
        value = float(value)
        if not math.isfinite(value):
            raise self.fail(f"{where}.{key}", f"must be finite, found {value}")
        return value

    def choice(self, obj: dict, key: str, where: str, allowed: tuple, default: Any = ...) -> str:
        value = self.get(obj, key, where, (str,), default)
        if value not in allowed:
            raise self.fail(f"{where}.{key}",
                            f"unknown value {value!r}; expected one of {', '.join(allowed)}")
        return value


def network_from_dict(data: Any, source: str = "<data>") -> Network:
    f = _Fields(source)
    if not isinstance(data, dict):
        raise NetworkFileError(f"{source}: not an nnsim file (the top level is not a JSON object)")
    if data.get("format") != FORMAT_NAME:
        raise NetworkFileError(f"{source}: not an nnsim file (format is {data.get('format')!r}, "
                               f"expected {FORMAT_NAME!r})")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise f.fail("version", f"expected an integer, found {version!r}")
    if version not in READABLE_VERSIONS:
        raise f.fail("version", f"unknown version {version} (this nnsim reads versions "
                                f"{READABLE_VERSIONS[0]} to {FORMAT_VERSION}); a newer nnsim may "
                                "read it")
    if version >= 2:  # version 1 ignored unknown fields; from 2 on every field is known
        for key in data:
            if key not in NETWORK_FIELDS + SETUP_FIELDS:
                raise f.fail(key, "unknown field; a network file's fields are "
                                  f"{', '.join(NETWORK_FIELDS + SETUP_FIELDS)}")
    name = f.get(data, "name", "name", (str,), "")
    neurons = f.get(data, "neurons", "neurons", (list,))
    synapses = f.get(data, "synapses", "synapses", (list,))
    if len(neurons) > MAX_NEURONS:
        raise f.fail("neurons", f"{len(neurons)} neurons is more than the {MAX_NEURONS} allowed")
    if len(synapses) > MAX_SYNAPSES:
        raise f.fail("synapses", f"{len(synapses)} synapses is more than the {MAX_SYNAPSES} allowed")

    net = Network(name)
    for i, nd in enumerate(neurons):
        where = f"neurons[{i}]"
        if not isinstance(nd, dict):
            raise f.fail(where, f"expected an object, found {type(nd).__name__}")
        nid = f.get(nd, "id", where, (int,))
        if nid < 0:
            raise f.fail(f"{where}.id", f"must be a non-negative integer, found {nid}")
        nname = f.get(nd, "name", where, (str,))
        role = f.choice(nd, "role", where, ROLES, "hidden")
        activation = f.choice(nd, "activation", where, ACTIVATIONS,
                              "linear" if role == "input" else "sigmoid")
        params = f.get(nd, "params", where, (dict,), {})
        for key, val in params.items():
            if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
                raise f.fail(f"{where}.params.{key}", f"expected a finite number, found {val!r}")
        try:
            net.add_neuron(
                nname, role=role, activation=activation, id=nid, params=params,
                bias=f.number(nd, "bias", where, 0.0), x=f.number(nd, "x", where, 0.0),
                y=f.number(nd, "y", where, 0.0), value=f.number(nd, "value", where, 0.0),
            )
        except ValueError as exc:  # duplicate name or id, empty name
            raise f.fail(where, str(exc)) from None
    for i, sd in enumerate(synapses):
        where = f"synapses[{i}]"
        if not isinstance(sd, dict):
            raise f.fail(where, f"expected an object, found {type(sd).__name__}")
        src = f.get(sd, "source", where, (int,))
        tgt = f.get(sd, "target", where, (int,))
        for key, ref in (("source", src), ("target", tgt)):
            if not net.has_neuron(ref):
                raise f.fail(f"{where}.{key}", f"no neuron with id {ref}")
        weight = f.number(sd, "weight", where)
        kind = f.choice(sd, "kind", where, KINDS, "excitatory")
        try:
            net.connect(src, tgt, weight, kind)
        except ValueError as exc:  # duplicate synapse, synapse into an input
            raise f.fail(where, str(exc)) from None
    net.revision = 0
    return net


def document_to_dict(net: Network, setup: Setup) -> dict:
    """A network file with its setup (dataset, rule, stop conditions, plots, display)."""
    return {**network_to_dict(net), **setup_to_dict(setup)}


def document_from_dict(data: Any, source: str = "<data>") -> tuple[Network, Setup]:
    """(network, setup) from a network file; a version 1 file gets the default setup."""
    net = network_from_dict(data, source)
    f = _Fields(source)
    return net, setup_from_dict(data, lambda where, problem: f.fail(where, problem))


def load_network(path: str | os.PathLike) -> Network:
    return network_from_dict(_read(path), str(path))


def load_document(path: str | os.PathLike) -> tuple[Network, Setup]:
    """(network, setup) from a file; raises NetworkFileError naming the field at fault."""
    return document_from_dict(_read(path), str(path))


def save_document(net: Network, setup: Setup, path: str | os.PathLike) -> None:
    write_json_atomic(document_to_dict(net, setup), path)


def _read(path: str | os.PathLike) -> Any:
    source = str(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise NetworkFileError(f"{source}: {size} bytes is too large for a network file")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise NetworkFileError(f"{source}: cannot read ({exc.strerror or exc})") from None
    return parse_json(data, source)


def save_network(net: Network, path: str | os.PathLike) -> None:
    write_json_atomic(network_to_dict(net), path)
