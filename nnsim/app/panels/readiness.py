"""Can a rule run now, and if not, what is missing and what one click would fix it.

`readiness(rule_class, network, dataset)` answers None (ready) or a `Problem`: a sentence saying
what is missing and, where one click can fix it, a `Fix` the window applies ("Use AND data",
"Make it feed-forward").  A fix is offered only when it is checked to make the rule ready.
`dataset` is the data as the engine gets them (Document.training_data()).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nnsim.app.data_spec import fit_targets
from nnsim.engine.datasets import Dataset
from nnsim.engine.network import Network
from nnsim.engine.rules import Applicability, Rule
from nnsim.engine.setup import make_dataset


@dataclass(frozen=True)
class Fix:
    text: str  # the button's label, e.g. "Use AND data"
    kind: str  # "dataset" (use `dataset`, a spec) or "feedforward" (remove `synapses`)
    dataset: dict | None = None
    synapses: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Problem:
    message: str  # a sentence: what is missing
    fix: Fix | None = None
    applies: bool = True  # False: the rule does not apply to the network at all


def sentence(text: str) -> str:
    """'needs inputs' -> 'Needs inputs.'"""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def applicability(rule_class: type[Rule], net: Any) -> Applicability:
    """rule.applies_to(net), never raising: a rule that chokes on a network does not apply."""
    if net is None:
        return Applicability(False, "There is no network to train yet.")
    try:
        return rule_class().applies_to(net)
    except Exception as exc:  # noqa: BLE001 (a rule's bug must not take the panel down)
        return Applicability(False, f"{rule_class.title or rule_class.__name__} cannot inspect "
                                    f"this network: {exc}")


def readiness(rule_class: type[Rule], net: Network | None, dataset: Dataset | None,
              applies: Applicability | None = None) -> Problem | None:
    applies = applicability(rule_class, net) if applies is None else applies
    if not applies:
        return Problem(sentence(applies.reason), _feedforward_fix(rule_class, net), applies=False)
    message = _data_problem(rule_class, net, dataset)
    if message is None:
        return None
    return Problem(message, _data_fix(rule_class, net))


def trial_problem(rule: Rule, net: Network, dataset: Dataset | None) -> str:
    """Make the rule's trainer on the network and data as the engine would, and say ("" for
    nothing) what stopped it: the last word on problems the checks above do not know."""
    try:
        rule.trainer(net, dataset, 0)
    except (ValueError, TypeError, ArithmeticError) as exc:
        return sentence(str(exc)) or "This rule cannot train on these data."
    return ""


# ---------------------------------------------------------------------- the data
def _data_problem(rule_class: type[Rule], net: Network, data: Dataset | None) -> str | None:
    title = rule_class.title or rule_class.__name__
    if rule_class.name == "hopfield":
        units = len(net)
        if data is None or len(data) == 0:
            return f"{title} needs patterns to store: choose a dataset of +1/-1 patterns of " \
                   f"{units} units."
        if data.n_features != units:
            return (f"The patterns have {data.n_features} units but the network has {units} "
                    "neurons: choose patterns of the network's size.")
        if not np.all(np.isin(data.X, (-1.0, 1.0))):
            return "Hopfield patterns hold only +1 and -1: choose a dataset of patterns."
        return None
    inputs, outputs = len(net.inputs), len(net.outputs)
    if rule_class.supervised:
        if data is None:
            return f"{title} learns from examples with targets, and no data are chosen yet."
        if data.y is None:
            return f"{title} learns from targets, and these data have none: choose data " \
                   "with targets."
    if data is None:
        return None
    if len(data) == 0:
        return "The data have no points yet: draw some on the decision plot, or choose a dataset."
    if data.n_features != inputs:
        return (f"The data have {_count(data.n_features, 'input column')} but the network has "
                f"{_count(inputs, 'input')}: choose data with {_count(inputs, 'input')}.")
    if rule_class.supervised:
        columns = data.targets.shape[1]
        if columns != outputs:
            return (f"The data have {_count(columns, 'target column')} but the network has "
                    f"{_count(outputs, 'output')}: choose data with one target per output.")
    return None


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _suggestions(rule_class: type[Rule], net: Network) -> list[tuple[str, dict]]:
    """Datasets that would fit the network, best first, with their button labels."""
    if rule_class.name == "hopfield":
        units = len(net)
        if units == 64:
            return [("Use letter patterns", {"generator": "patterns",
                                             "params": {"kind": "letters", "size": 8}})]
        if units == 256:
            return [("Use letter patterns", {"generator": "patterns",
                                             "params": {"kind": "letters", "size": 16}})]
        if 2 <= units <= 4096:
            return [(f"Use random patterns of {units} units",
                     {"generator": "patterns", "params": {"kind": "random", "n": units, "p": 3}})]
        return []
    inputs, outputs = len(net.inputs), len(net.outputs)
    if inputs == 2 and outputs <= 1:
        sign = any(net.neuron(n).activation in ("sign", "tanh") for n in net.outputs)
        return [("Use AND data", {"generator": "truth_table",
                                  "params": {"gate": "and", "bipolar": sign}})]
    if inputs == 2 and 2 <= outputs <= 12:
        return [(f"Use {outputs} classes of blobs",
                 {"generator": "blobs", "params": {"k": outputs}})]
    if inputs == 1 and outputs <= 1:
        return [("Use sine data", {"generator": "sine", "params": {}})]
    return []


def _data_fix(rule_class: type[Rule], net: Network) -> Fix | None:
    for text, spec in _suggestions(rule_class, net):
        try:
            data = fit_targets(make_dataset(spec), len(net.outputs))
        except ValueError:
            continue
        if _data_problem(rule_class, net, data) is None:
            return Fix(text, "dataset", dataset=spec)
    return None


# ---------------------------------------------------------------------- the network
def feedback_synapses(net: Network) -> list[tuple[str, str]]:
    """Synapses that close a loop: without them the network is feed-forward.  Found depth
    first from the inputs, left to right on the canvas, so the synapse that goes back (right to
    left, as the network is drawn) is the one named."""
    names = {n.id: n.name for n in net.neurons}
    x = {n.id: (n.x, n.y) for n in net.neurons}
    out: dict[int, list[int]] = {n.id: [] for n in net.neurons}
    for s in net.synapses:
        out[s.source].append(s.target)
    for targets in out.values():
        targets.sort(key=x.__getitem__)
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    back: list[tuple[str, str]] = []
    by_place = sorted(net.neurons, key=lambda n: (n.role != "input", n.x, n.y))
    order = [n.id for n in by_place]
    for root in order:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.append((names[node], names[child]))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(out[child])))
    return back


def _feedforward_fix(rule_class: type[Rule], net: Network | None) -> Fix | None:
    if net is None or net.is_feedforward:
        return None
    loops = feedback_synapses(net)
    trial = net.copy()
    for src, tgt in loops:
        trial.disconnect(src, tgt)
    if not loops or not trial.is_feedforward or not applicability(rule_class, trial):
        return None
    return Fix("Make it feed-forward", "feedforward", synapses=tuple(loops))
