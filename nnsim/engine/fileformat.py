"""The nnsim file format: versioned JSON, validated on load, saved atomically.

Loading never executes anything: it is json.loads plus checks.  Every problem raises
NetworkFileError naming the file and the field at fault.  See docs/file-format.md.

The file is read with safe_read (a regular file only, never blocking on a pipe, at most
MAX_FILE_BYTES), and the caps below keep any file that passes them under about 2 s and 500 MB to
load (docs/file-format.md, "Limits").  Every number is checked for type (booleans are not
numbers) and range: an integer too large for a double (a 400-digit bias) is refused naming its
field, as are NaN and infinity.

Version 2 adds the network's setup beside it (dataset, rule, stop conditions, plots, display:
see setup.py); version 1 files (the network alone) still load, with the default setup.
"""
from __future__ import annotations

import json
import math
import os
import re
from typing import Any

from .atomic_write import SaveError, atomic_file, write_json_atomic, write_text_atomic  # noqa: F401 (re-exported)
from .network import KINDS, ROLES, Network
from .safe_read import MIB, read_limited
from .setup import SETUP_FIELDS, Setup, setup_from_dict, setup_to_dict
from .units import ACTIVATIONS

FORMAT_NAME = "nnsim-network"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
NETWORK_FIELDS = ("format", "version", "name", "neurons", "synapses")
MAX_NEURONS = 50_000
MAX_SYNAPSES = 150_000  # with 50,000 neurons, about 18 MB as nnsim writes it (compact)
MAX_FILE_BYTES = 24 * MIB
MAX_CONTAINERS = 1_000_000  # JSON arrays and objects: each costs ~60-230 bytes once parsed
MAX_ID = 2**53 - 1  # the largest integer every JSON reader keeps exactly
MAX_NAME_CHARS = 1_000  # a neuron's or a network's name
MAX_PARAMS = 64  # per-unit parameters of one neuron


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


class HugeInteger:
    """Stands, in parsed JSON, for an integer of more than 308 digits (too large for a double:
    float() of it raises OverflowError).  It is no number, so every type check refuses it and
    the error names its field; its repr says what it was."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a {self.digits}-digit integer (too large for a double)"


MAX_INT_DIGITS = 308  # every integer of at most 308 digits is below 1e308, within a double
_LONG_DIGITS = re.compile(f"(?<![0-9])[0-9]{{{MAX_INT_DIGITS + 1}}}")  # linear: tried at runs' starts


def _int(text: str) -> int | HugeInteger:
    digits = len(text) - text.startswith("-")
    return HugeInteger(digits) if digits > MAX_INT_DIGITS else int(text)


def parse_json(text: str | bytes, source: str, mark_huge_integers: bool = False) -> Any:
    """json.loads that refuses NaN and Infinity, with errors naming the source.
    mark_huge_integers: an integer too large for a double becomes a HugeInteger (so the checks
    name its field) instead of an int that raises OverflowError wherever it is used; the hook
    costs time only when the text has such a long run of digits."""
    try:
        if mark_huge_integers:
            if isinstance(text, bytes):  # as json.loads decodes it (UTF-8, -16 or -32)
                text = text.decode(json.detect_encoding(text), "surrogatepass")
            if _LONG_DIGITS.search(text) is not None:
                return json.loads(text, parse_constant=_reject_constant, parse_int=_int)
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise NetworkFileError(f"{source}: not valid JSON (nested too deeply)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        if "Exceeds the limit" in str(exc):  # sys.get_int_max_str_digits()
            raise NetworkFileError(f"{source}: not valid JSON (an integer of more than "
                                   f"{MAX_INT_DIGITS} digits)") from None
        raise NetworkFileError(f"{source}: not valid JSON ({exc})") from None


def shown(value: Any) -> str:
    """A value for an error message, cut short: a 400-digit integer, a megabyte string."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        return f"a {len(str(abs(value)))}-digit integer"
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:40]!r}... ({len(value):,} characters)"
    if isinstance(value, (list, dict)):
        return f"a JSON {'array' if isinstance(value, list) else 'object'}"
    return repr(value)


TOO_LARGE = "too large (numbers must fit a double, at most about 1.8e308)"


class _Fields:
    """Typed field access that raises NetworkFileError naming source and path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> NetworkFileError:
        return NetworkFileError(f"{self.source}: {where}: {problem}")

    def get(self, obj: dict, key: str, where: str, kinds: tuple, default: Any = ...) -> Any:
        """obj[key] of one of `kinds`; `where` is the path to obj ("" for the top level)."""
        path = f"{where}.{key}" if where else key
        if key not in obj:
            if default is ...:
                raise self.fail(path, "missing")
            return default
        value = obj[key]
        if isinstance(value, HugeInteger):
            if int not in kinds:
                raise self.fail(path, f"expected {kinds[0].__name__}, found {value!r}")
            raise self.fail(path, f"a {value.digits}-digit integer is {TOO_LARGE}")
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(path, f"expected {kinds[0].__name__}, found {value!r}")
        if not isinstance(value, kinds):
            raise self.fail(path, f"expected {kinds[0].__name__}, found {type(value).__name__}")
        return value

    def to_float(self, value: Any, where: str) -> float:
        """A finite float from a JSON number; booleans, NaN, infinity and integers too large for
        a double are refused."""
        if isinstance(value, HugeInteger):
            raise self.fail(where, f"a {value.digits}-digit integer is {TOO_LARGE}")
        if isinstance(value, bool) or not isinstance(value, (float, int)):
            raise self.fail(where, f"expected a number, found {shown(value)}")
        try:
            number = float(value)
        except OverflowError:
            raise self.fail(where, f"{shown(value)} is {TOO_LARGE}") from None
        if not math.isfinite(number):
            raise self.fail(where, f"must be finite, found {number}")
        return number

    def number(self, obj: dict, key: str, where: str, default: Any = ...) -> float:
        return self.to_float(self.get(obj, key, where, (float, int), default), f"{where}.{key}")

    def ident(self, obj: dict, key: str, where: str) -> int:
        """A neuron id: an integer from 0 to MAX_ID."""
        value = self.get(obj, key, where, (int,))
        if not 0 <= value <= MAX_ID:
            raise self.fail(f"{where}.{key}", f"must be an integer from 0 to {MAX_ID}, "
                                              f"found {shown(value)}")
        return value

    def name(self, obj: dict, key: str, where: str, default: Any = ...) -> str:
        value = self.get(obj, key, where, (str,), default)
        if len(value) > MAX_NAME_CHARS:
            raise self.fail(f"{where}.{key}" if where else key,
                            f"{len(value):,} characters is longer than the {MAX_NAME_CHARS:,} "
                            "allowed")
        return value

    def choice(self, obj: dict, key: str, where: str, allowed: tuple, default: Any = ...) -> str:
        value = self.get(obj, key, where, (str,), default)
        if value not in allowed:
            raise self.fail(f"{where}.{key}",
                            f"unknown value {shown(value)}; expected one of {', '.join(allowed)}")
        return value


def network_from_dict(data: Any, source: str = "<data>") -> Network:
    f = _Fields(source)
    if not isinstance(data, dict):
        raise NetworkFileError(f"{source}: not an nnsim file (the top level is not a JSON object)")
    if data.get("format") != FORMAT_NAME:
        raise NetworkFileError(f"{source}: not an nnsim file (format is {shown(data.get('format'))}, "
                               f"expected {FORMAT_NAME!r})")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise f.fail("version", f"expected an integer, found {shown(version)}")
    if version not in READABLE_VERSIONS:
        raise f.fail("version", f"unknown version {shown(version)} (this nnsim reads versions "
                                f"{READABLE_VERSIONS[0]} to {FORMAT_VERSION}); a newer nnsim may "
                                "read it")
    if version >= 2:  # version 1 ignored unknown fields; from 2 on every field is known
        for key in data:
            if key not in NETWORK_FIELDS + SETUP_FIELDS:
                raise f.fail(shown(key) if len(key) > 60 else key,
                             "unknown field; a network file's fields are "
                             f"{', '.join(NETWORK_FIELDS + SETUP_FIELDS)}")
    name = f.name(data, "name", "", "")
    neurons = f.get(data, "neurons", "", (list,))
    synapses = f.get(data, "synapses", "", (list,))
    if len(neurons) > MAX_NEURONS:
        raise f.fail("neurons", f"{len(neurons)} neurons is more than the {MAX_NEURONS} allowed")
    if len(synapses) > MAX_SYNAPSES:
        raise f.fail("synapses", f"{len(synapses)} synapses is more than the {MAX_SYNAPSES} allowed")

    net = Network(name)
    for i, nd in enumerate(neurons):
        where = f"neurons[{i}]"
        if not isinstance(nd, dict):
            raise f.fail(where, f"expected an object, found {type(nd).__name__}")
        nid = f.ident(nd, "id", where)
        nname = f.name(nd, "name", where)
        role = f.choice(nd, "role", where, ROLES, "hidden")
        activation = f.choice(nd, "activation", where, ACTIVATIONS,
                              "linear" if role == "input" else "sigmoid")
        params = f.get(nd, "params", where, (dict,), {})
        if len(params) > MAX_PARAMS:
            raise f.fail(f"{where}.params", f"{len(params)} parameters is more than the "
                                            f"{MAX_PARAMS} allowed")
        for key, val in params.items():
            if not isinstance(key, str) or len(key) > MAX_NAME_CHARS:
                raise f.fail(f"{where}.params", f"a parameter name of {len(key):,} characters")
            f.to_float(val, f"{where}.params.{key}")
        bias, x, y = (f.number(nd, key, where, 0.0) for key in ("bias", "x", "y"))
        value = f.number(nd, "value", where, 0.0)
        try:
            net.add_neuron(nname, role=role, activation=activation, id=nid, params=params,
                           bias=bias, x=x, y=y, value=value)
        except ValueError as exc:  # duplicate name or id, empty name
            raise f.fail(where, str(exc)) from None
    connect, has_neuron = net.connect, net.has_neuron
    for i, sd in enumerate(synapses):
        if type(sd) is dict:  # the usual synapse, checked quickly
            src, tgt, weight = sd.get("source"), sd.get("target"), sd.get("weight")
            kind = sd.get("kind", "excitatory")
            if type(src) is int and type(tgt) is int and type(weight) is float \
                    and weight - weight == 0 and (kind == "excitatory" or kind == "inhibitory") \
                    and has_neuron(src) and has_neuron(tgt):
                try:
                    connect(src, tgt, weight, kind)
                    continue
                except ValueError:
                    pass  # checked again below, and named
        where = f"synapses[{i}]"
        if not isinstance(sd, dict):
            raise f.fail(where, f"expected an object, found {type(sd).__name__}")
        src = f.get(sd, "source", where, (int,))
        tgt = f.get(sd, "target", where, (int,))
        for key, ref in (("source", src), ("target", tgt)):
            if not net.has_neuron(ref):
                raise f.fail(f"{where}.{key}", f"no neuron with id {shown(ref)}")
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
    _save_json(document_to_dict(net, setup), path)


def _save_json(data: dict, path: str | os.PathLike) -> None:
    """Save what load can read back: indented while it fits in MAX_FILE_BYTES, compact when only
    that fits, and refused (SaveError, the old file untouched) when even that is too large."""
    text = json.dumps(data, indent=1, allow_nan=False) + "\n"
    if len(text) > MAX_FILE_BYTES:
        text = json.dumps(data, separators=(",", ":"), allow_nan=False) + "\n"
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise SaveError(path, f"the document needs {len(text) / MIB:.0f} MB, more than the "
                              f"{MAX_FILE_BYTES // MIB} MB a network file may hold; remove data "
                              "points or neurons, or export the weights instead")
    write_text_atomic(text, path)


def _read(path: str | os.PathLike) -> Any:
    """The parsed JSON of a network file: a regular file of at most MAX_FILE_BYTES, every integer
    in it small enough for a double."""
    source = str(path)
    raw = read_limited(path, MAX_FILE_BYTES, NetworkFileError)
    containers = raw.count(b"[") + raw.count(b"{")  # strings' brackets too: an upper bound
    if containers > MAX_CONTAINERS:
        raise NetworkFileError(f"{source}: more than {MAX_CONTAINERS:,} JSON arrays and objects "
                               f"({containers:,} brackets); a network file holds at most that")
    return parse_json(raw, source, mark_huge_integers=True)


def save_network(net: Network, path: str | os.PathLike) -> None:
    _save_json(network_to_dict(net), path)
