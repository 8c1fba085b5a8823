"""A network's setup: its dataset, learning rule (with parameters and stop conditions), the plots
on view and display options.  One schema for the two places that store it: a lesson scene and a
network file (version 2).

    dataset   {"generator": name, "params": {...}}  (a generator in datasets.GENERATORS), or
              {"X": [[...], ...], "y": [...], "name": "...", "source": "drawn"}  (the points;
              "y", "name" and "source" are optional), or null (no data)
    rule      {"name": rule name in rules.RULES, "params": {...}}, or null (no learning)
    stop      {"epochs": n, "target_loss": value or null, "until_converged": true/false}
    plots     ["decision", "loss", ...]
    display   {"show_values": true/false}  (files only)

Every check raises the caller's error (via `fail(where, problem)`) naming the field, e.g.
"dataset.params: generator 'moons' has no parameter 'radius'".
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .datasets import Dataset

PLOTS = ("decision", "curve", "weights", "energy", "loss", "activation", "hopfield", "matrix",
         "raster", "surface", "layers", "landscape")
STOP_KEYS = ("epochs", "target_loss", "until_converged")
MAX_EPOCHS = 10_000_000  # the stop conditions' epoch limit (as the Rule panel's box)
MAX_TARGET_LOSS = 1e6
DEFAULT_STOP = {"epochs": 1000, "target_loss": None, "until_converged": True}
DATASET_SOURCES = ("generated", "lesson", "csv", "drawn")
DEFAULT_DATASET = {"generator": "truth_table", "params": {"gate": "and", "bipolar": False}}

Fail = Callable[[str, str], Exception]


def found(value: Any) -> str:
    """A JSON value in a message, kept short: 'abc', 12, a 400-digit number, a list, an object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) < 10**20:
            return str(value)
        digits = int(abs(value).bit_length() * math.log10(2)) + 1  # str() refuses > 4300 digits
        digits -= abs(value) < 10 ** (digits - 1)
        return f"a number of {digits} digits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _bound(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def number_problem(value: Any, whole: bool = False, minimum: float | None = None,
                   maximum: float | None = None) -> str:
    """Why a JSON value is not a finite number (a whole one if `whole`) from `minimum` to
    `maximum`; "" when it is.  Safe for any value: an integer too large for a float (400 digits)
    is compared, never converted, so it gives this message, not an OverflowError."""
    what = "a whole number" if whole else "a number"
    if minimum is not None and maximum is not None:
        what += f" from {_bound(minimum)} to {_bound(maximum)}"
    elif minimum is not None:
        what += f" >= {_bound(minimum)}"
    elif maximum is not None:
        what += f" <= {_bound(maximum)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected {what}, found {found(value)}"
    if isinstance(value, float) and not (math.isfinite(value) and (not whole or value.is_integer())):
        return f"expected {what}, found {found(value)}"
    if abs(value) > 1e308:
        return f"expected {what}, found {found(value)} (too large for a double)"
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return f"expected {what}, found {found(value)}"
    return ""


def whole(value: Any, where: str, fail: Fail, minimum: int, maximum: int) -> int:
    """A whole number within [minimum, maximum] (200.0 is 200), else fail(where, why)."""
    problem = number_problem(value, True, minimum, maximum)
    if problem:
        raise fail(where, problem)
    return int(value)


def number(value: Any, where: str, fail: Fail, minimum: float, maximum: float) -> float:
    """A finite number within [minimum, maximum], else fail(where, why)."""
    problem = number_problem(value, False, minimum, maximum)
    if problem:
        raise fail(where, problem)
    return float(value)


@dataclass(frozen=True)
class Setup:
    """Everything about a document besides its network.  `plots` None: keep the plots on view."""
    dataset: dict | None = field(default_factory=lambda: dict(DEFAULT_DATASET))
    rule: dict | None = None
    stop: dict = field(default_factory=lambda: dict(DEFAULT_STOP))
    plots: tuple[str, ...] | None = None
    show_values: bool = True

    def with_(self, **changes: Any) -> Setup:
        return replace(self, **changes)


def make_dataset(spec: Mapping | None) -> Dataset | None:
    """The Dataset a spec describes (see the module docstring); None for None."""
    if spec is None:
        return None
    if "X" in spec:
        y = spec.get("y")
        return Dataset(np.array(spec["X"], dtype=float),
                       None if y is None else np.array(y, dtype=float),
                       name=str(spec.get("name", "")))
    from .datasets import GENERATORS

    return GENERATORS[spec["generator"]](**dict(spec.get("params") or {}))


def dataset_to_json(spec: Mapping | None) -> dict | None:
    """A spec as plain JSON values (points held as arrays become lists)."""
    if spec is None:
        return None
    out = {}
    for key, value in spec.items():
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, Mapping):
            value = {k: (v.item() if hasattr(v, "item") else v) for k, v in value.items()}
        out[key] = value
    return out


def _unknown(d: Mapping, allowed: tuple[str, ...], where: str, fail: Fail) -> None:
    for key in d:
        if key not in allowed:
            raise fail(f"{where}.{key}", f"unknown field; the fields of {where} are "
                                         f"{', '.join(allowed)}")


def check_dataset(spec: Any, where: str, fail: Fail, make: bool = True) -> Dataset | None:
    """Validate a dataset spec; returns the Dataset it makes (make=False: a generator's
    parameters are checked, each against its declaration and together, and nothing is
    generated; returns None).  Points given inline are always read (they are in the file)."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or not ("X" in spec or "generator" in spec):
        raise fail(where, 'expected {"generator": name, "params": {...}} or '
                          '{"X": [[...]], "y": [...]}')
    if "generator" in spec:
        from .datasets import GENERATORS

        _unknown(spec, ("generator", "params"), where, fail)
        name = spec["generator"]
        if not isinstance(name, str) or name not in GENERATORS:
            raise fail(f"{where}.generator", f"unknown generator {found(name)}; expected one of "
                                             f"{', '.join(GENERATORS)}")
        params = spec.get("params", {})
        if not isinstance(params, dict):
            raise fail(f"{where}.params", "expected an object of parameter values")
        generator = GENERATORS[name]
        declared = {p.name: p for p in generator.params}
        for key, value in params.items():
            if key not in declared:
                raise fail(f"{where}.params.{key}", f"generator {name!r} has no such parameter; "
                                                    f"its parameters are {', '.join(declared)}")
            problem = _param_problem(declared[key], value)
            if problem:
                raise fail(f"{where}.params.{key}", problem)
        together = generator.problem(params)
        if together:
            raise fail(f"{where}.params.{together[0]}", together[1])
        if not make:
            return None
        try:
            return generator(**params)
        except (TypeError, ValueError, OverflowError) as exc:
            raise fail(f"{where}.params", str(exc)) from None
    _unknown(spec, ("X", "y", "name", "source"), where, fail)
    if not isinstance(spec.get("name", ""), str):
        raise fail(f"{where}.name", "expected a string")
    if spec.get("source", "drawn") not in DATASET_SOURCES:
        raise fail(f"{where}.source", f"expected one of {', '.join(DATASET_SOURCES)}")
    X = _table(spec["X"], f"{where}.X", fail)
    y = spec.get("y")
    y = None if y is None else _table(y, f"{where}.y", fail)
    try:
        return Dataset(X if X.size else X.reshape(0, 2), y, name=spec.get("name", ""))
    except (TypeError, ValueError) as exc:
        raise fail(where, f"the points cannot be read: {exc}") from None


def _table(value: Any, where: str, fail: Fail) -> np.ndarray:
    """A list of numbers, or of equally long lists of numbers, as an array (1-D or 2-D)."""
    if not isinstance(value, list):
        raise fail(where, f"expected a list of numbers or of rows of numbers, found {found(value)}")
    try:
        array = np.array(value)
    except (ValueError, TypeError, RecursionError):
        array = None  # rows of different lengths, or nested too deeply
    if array is not None and array.ndim <= 2 and array.dtype.kind in "if" and not _holds_bool(value):
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise fail(where, "expected finite numbers")  # cannot come from JSON, but from code
        return array.astype(float)
    # Say where: the first value that is not a number, else the first row out of shape.
    rows = value if all(isinstance(r, list) for r in value) else None
    for i, row in enumerate(value):
        cells = row if rows is not None else [row]
        for j, cell in enumerate(cells):
            problem = number_problem(cell)
            if problem:
                at = f"{where}[{i}][{j}]" if rows is not None else f"{where}[{i}]"
                raise fail(at, problem)
    if rows is not None and value:
        width = len(value[0])
        for i, row in enumerate(value):
            if len(row) != width:
                raise fail(f"{where}[{i}]", f"expected a row of {width} numbers like the first, "
                                            f"found {len(row)}")
    raise fail(where, "expected a list of numbers or of rows of numbers")


def _holds_bool(value: list) -> bool:
    """Whether a list of numbers or of rows of numbers holds true or false (NumPy would read
    them as 1 and 0)."""
    if value and isinstance(value[0], list):
        return bool in set(map(type, itertools.chain.from_iterable(value)))
    return bool in set(map(type, value))


def _param_problem(p: Any, value: Any) -> str:
    """Why a parameter's value does not fit its declaration (a generator's GeneratorParam or a
    rule's Param: type, minimum, maximum, choices); "" when it does."""
    if p.type in (bool, str):
        if not isinstance(value, p.type) or (p.choices and value not in p.choices):
            choices = f"one of {', '.join(p.choices)}" if p.choices else \
                ("true or false" if p.type is bool else "a string")
            return f"expected {choices}, found {found(value)}"
        return ""
    return number_problem(value, p.type is int, p.minimum, p.maximum)


def check_rule(spec: Any, where: str, fail: Fail) -> None:
    if spec is None:
        return
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) \
            or not isinstance(spec.get("params", {}), dict):
        raise fail(where, 'expected {"name": rule, "params": {...}}')
    from .rules import RULES

    _unknown(spec, ("name", "params"), where, fail)
    name = spec["name"]
    if name not in RULES:
        raise fail(f"{where}.name", f"unknown rule {found(name)}; expected one of {', '.join(RULES)}")
    params = spec.get("params", {})
    declared = {p.name: p for p in RULES[name].parameters}
    for key, value in params.items():
        if key not in declared:
            raise fail(f"{where}.params.{key}", f"rule {name!r} has no such parameter; its "
                                                f"parameters are {', '.join(declared)}")
        problem = _param_problem(declared[key], value)
        if problem:
            raise fail(f"{where}.params.{key}", problem)
    try:
        RULES[name](**params)
    except (TypeError, ValueError, OverflowError) as exc:
        raise fail(f"{where}.params", str(exc)) from None


def check_stop(spec: Any, where: str, fail: Fail) -> dict | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or not set(spec) <= set(STOP_KEYS):
        raise fail(where, f"expected an object with keys among {', '.join(STOP_KEYS)}")
    out = dict(spec)
    if "epochs" in spec:
        out["epochs"] = whole(spec["epochs"], f"{where}.epochs", fail, 1, MAX_EPOCHS)
    loss = spec.get("target_loss")
    if loss is not None:
        if number_problem(loss, False, 0, MAX_TARGET_LOSS):
            raise fail(f"{where}.target_loss", f"expected a number from 0 to {_bound(MAX_TARGET_LOSS)} "
                                               f"or null, found {found(loss)}")
    if not isinstance(spec.get("until_converged", True), bool):
        raise fail(f"{where}.until_converged",
                   f"expected true or false, found {found(spec['until_converged'])}")
    return out


def check_plots(spec: Any, where: str, fail: Fail) -> tuple[str, ...]:
    if not isinstance(spec, list) or not all(isinstance(p, str) and p in PLOTS for p in spec):
        raise fail(where, f"expected a list of {', '.join(PLOTS)}")
    return tuple(dict.fromkeys(spec))


def check_display(spec: Any, where: str, fail: Fail) -> bool:
    """The display object of a file; returns show_values."""
    if not isinstance(spec, dict):
        raise fail(where, 'expected {"show_values": true or false}')
    _unknown(spec, ("show_values",), where, fail)
    show = spec.get("show_values", True)
    if not isinstance(show, bool):
        raise fail(f"{where}.show_values", f"expected true or false, found {show!r}")
    return show


def setup_to_dict(setup: Setup) -> dict:
    """The top-level fields a network file (version 2) adds to the network's."""
    out: dict[str, Any] = {"dataset": dataset_to_json(setup.dataset),
                           "rule": None if setup.rule is None else
                           {"name": setup.rule["name"], "params": dict(setup.rule.get("params", {}))},
                           "stop": {**DEFAULT_STOP, **setup.stop}}
    if setup.plots is not None:
        out["plots"] = list(setup.plots)
    out["display"] = {"show_values": bool(setup.show_values)}
    return out


SETUP_FIELDS = ("dataset", "rule", "stop", "plots", "display")


def setup_from_dict(data: Mapping, fail: Fail) -> Setup:
    """The setup stored in a network file; fields left out take their defaults."""
    kwargs: dict[str, Any] = {}
    if "dataset" in data:
        check_dataset(data["dataset"], "dataset", fail)
        kwargs["dataset"] = data["dataset"]
    if "rule" in data:
        check_rule(data["rule"], "rule", fail)
        kwargs["rule"] = data["rule"]
    if "stop" in data:
        kwargs["stop"] = {**DEFAULT_STOP, **(check_stop(data["stop"], "stop", fail) or {})}
    if "plots" in data:
        kwargs["plots"] = check_plots(data["plots"], "plots", fail)
    if "display" in data:
        kwargs["show_values"] = check_display(data["display"], "display", fail)
    return Setup(**kwargs)
