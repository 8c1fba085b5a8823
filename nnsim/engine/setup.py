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

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .datasets import Dataset

PLOTS = ("decision", "curve", "weights", "energy", "loss", "activation", "hopfield", "matrix")
STOP_KEYS = ("epochs", "target_loss", "until_converged")
DEFAULT_STOP = {"epochs": 1000, "target_loss": None, "until_converged": True}
DATASET_SOURCES = ("generated", "lesson", "csv", "drawn")
DEFAULT_DATASET = {"generator": "truth_table", "params": {"gate": "and", "bipolar": False}}

Fail = Callable[[str, str], Exception]


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

    return GENERATORS[spec["generator"]](**dict(spec.get("params", {})))


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
    parameters are checked by name only and nothing is generated; returns None)."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or not ("X" in spec or "generator" in spec):
        raise fail(where, 'expected {"generator": name, "params": {...}} or '
                          '{"X": [[...]], "y": [...]}')
    if "generator" in spec:
        from .datasets import GENERATORS

        _unknown(spec, ("generator", "params"), where, fail)
        name = spec["generator"]
        if name not in GENERATORS:
            raise fail(f"{where}.generator", f"unknown generator {name!r}; expected one of "
                                             f"{', '.join(GENERATORS)}")
        params = spec.get("params", {})
        if not isinstance(params, dict):
            raise fail(f"{where}.params", "expected an object of parameter values")
        declared = {p.name: p for p in GENERATORS[name].params}
        for key, value in params.items():
            if key not in declared:
                raise fail(f"{where}.params.{key}", f"generator {name!r} has no such parameter; "
                                                    f"its parameters are {', '.join(declared)}")
            problem = _param_problem(declared[key], value)
            if problem:
                raise fail(f"{where}.params.{key}", problem)
        if not make:
            return None
        try:
            return GENERATORS[name](**params)
        except (TypeError, ValueError) as exc:
            raise fail(f"{where}.params", str(exc)) from None
    _unknown(spec, ("X", "y", "name", "source"), where, fail)
    if not isinstance(spec.get("name", ""), str):
        raise fail(f"{where}.name", "expected a string")
    if spec.get("source", "drawn") not in DATASET_SOURCES:
        raise fail(f"{where}.source", f"expected one of {', '.join(DATASET_SOURCES)}")
    try:
        X = np.array(spec["X"], dtype=float)
        y = spec.get("y")
        return Dataset(X if X.size else X.reshape(0, 2),
                       None if y is None else np.array(y, dtype=float), name=spec.get("name", ""))
    except (TypeError, ValueError) as exc:
        raise fail(where, f"the points cannot be read: {exc}") from None


def _param_problem(p: Any, value: Any) -> str:
    """Why a generator parameter's value does not fit its declaration ("" when it does)."""
    if p.type in (bool, str):
        if not isinstance(value, p.type) or (p.choices and value not in p.choices):
            choices = f"one of {', '.join(p.choices)}" if p.choices else \
                ("true or false" if p.type is bool else "a string")
            return f"expected {choices}, found {value!r}"
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (p.type is int and value != int(value)) or not math.isfinite(value):
        return f"expected {'a whole number' if p.type is int else 'a number'}, found {value!r}"
    if (p.minimum is not None and value < p.minimum) or (p.maximum is not None and value > p.maximum):
        return f"expected a value from {p.minimum} to {p.maximum}, found {value}"
    return ""


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
        raise fail(f"{where}.name", f"unknown rule {name!r}; expected one of {', '.join(RULES)}")
    try:
        RULES[name](**spec.get("params", {}))
    except (TypeError, ValueError) as exc:
        raise fail(f"{where}.params", str(exc)) from None


def check_stop(spec: Any, where: str, fail: Fail) -> dict | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or not set(spec) <= set(STOP_KEYS):
        raise fail(where, f"expected an object with keys among {', '.join(STOP_KEYS)}")
    epochs = spec.get("epochs", DEFAULT_STOP["epochs"])
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise fail(f"{where}.epochs", f"expected a whole number >= 1, found {epochs!r}")
    loss = spec.get("target_loss")
    if loss is not None and (isinstance(loss, bool) or not isinstance(loss, (int, float))
                             or not math.isfinite(loss) or loss < 0):
        raise fail(f"{where}.target_loss", f"expected a number >= 0 or null, found {loss!r}")
    if not isinstance(spec.get("until_converged", True), bool):
        raise fail(f"{where}.until_converged", "expected true or false")
    return dict(spec)


def check_plots(spec: Any, where: str, fail: Fail) -> tuple[str, ...]:
    if not isinstance(spec, list) or any(p not in PLOTS for p in spec):
        raise fail(where, f"expected a list of {', '.join(PLOTS)}")
    return tuple(spec)


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
