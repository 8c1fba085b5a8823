"""Which plots apply to a network, a learning rule and a dataset, and if one does not, why.

`plot_unavailable_reason(key, network, rule_name, dataset)` is pure (no Qt): None when the plot
`key` (a key of `nnsim.app.plots.PLOTS`) can draw something for this document, else one sentence
saying what is missing and what to do.  The owner shows it with `PlotPanel.set_unavailable`.

The conditions follow what each plot really draws:
- decision: the engine's map needs a feed-forward network with exactly two inputs and an output
  (nnsim.engine.regions.decision_map);
- curve: the engine's curve needs a feed-forward network with one input and an output
  (regions.output_curve); the first output is drawn;
- loss: only rules that train on data write loss, errors or accuracy (perceptron, delta,
  backprop, RBF, Hopfield storage); Hebb and Oja do not;
- energy: Hopfield storage logs it per epoch; without it the engine measures it for a recurrent
  network whose synapses are symmetric;
- hopfield: the bitmap shows every neuron's +1/-1 state: sign units, none clamped as an input, in
  a recurrent network;
- weights and matrix: at least one synapse;
- activation: at least one neuron that is not an input;
- raster: neurons that live in time: a network with loops, or McCulloch-Pitts threshold (step)
  units whose inputs change step by step;
- surface: as the decision map (it draws the same map in 3-D);
- layers: a feed-forward network with exactly two inputs and a hidden neuron (neither input nor
  output) to map the plane through (nnsim.engine.layer_view);
- landscape: a feed-forward network backpropagation can train (differentiable units, no veto)
  with at least two weights, and data with targets (the loss is over the data).
"""
from __future__ import annotations

from typing import Any

# Rules whose trainers write a loss, a misclassified count or an accuracy per epoch.
LOSS_RULES = ("perceptron", "delta", "backprop", "rbf", "hopfield")
UNSUPERVISED_WITHOUT_LOSS = {"hebb": "Hebb's rule", "oja": "Oja's rule"}

DRAW_SYNAPSE = "draw one with C and a drag from one neuron to another"


def _neurons(network: Any) -> list:
    return list(getattr(network, "neurons", ()) or ()) if network is not None else []


def _inputs(network: Any) -> list:
    return list(getattr(network, "inputs", ()) or ()) if network is not None else []


def _outputs(network: Any) -> list:
    return list(getattr(network, "outputs", ()) or ()) if network is not None else []


def _synapses(network: Any) -> list:
    return list(getattr(network, "synapses", ()) or ()) if network is not None else []


def _feedforward(network: Any) -> bool:
    return bool(getattr(network, "is_feedforward", True))


def _has_targets(dataset: Any) -> bool:
    return dataset is not None and getattr(dataset, "y", None) is not None


def _count(n: int, what: str) -> str:
    words = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    return f"{words.get(n, str(n))} {what}{'' if n == 1 else 's'}"


def _decision(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    n_in = len(_inputs(network))
    if n_in != 2:
        fix = "add an input neuron" if n_in < 2 else "remove input neurons"
        return ("The decision map needs a network with exactly two inputs (it has "
                f"{_count(n_in, 'input')}): {fix}, or open lesson 1 for an example.")
    if not _feedforward(network):
        return ("The decision map needs a feed-forward network: remove the synapses that "
                "form a loop.")
    if not _outputs(network):
        return "The decision map needs an output neuron: add one and connect the inputs to it."
    return None


def _curve(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    n_in = len(_inputs(network))
    if n_in != 1:
        return ("The function fit needs a network with one input (it has "
                f"{_count(n_in, 'input')}): open lesson 13 for an example.")
    if not _feedforward(network):
        return ("The function fit needs a feed-forward network: remove the synapses that "
                "form a loop.")
    if not _outputs(network):
        return "The function fit needs an output neuron: add one and connect the input to it."
    return None


def _loss(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    if not rule_name:
        return ("Loss and accuracy appear when a learning rule trains on data: choose one in "
                "the Learning rule dock.")
    if rule_name in UNSUPERVISED_WITHOUT_LOSS:
        return (f"{UNSUPERVISED_WITHOUT_LOSS[rule_name]} has no loss to plot: watch the "
                "Weights plot, or choose the perceptron or backprop rule for a loss.")
    if rule_name not in LOSS_RULES:
        return ("This learning rule records no loss or accuracy: choose the perceptron, delta "
                "or backprop rule in the Learning rule dock.")
    if dataset is None:
        return "Loss and accuracy need data to train on: choose a dataset in the Data dock."
    if rule_name != "hopfield" and not _has_targets(dataset):
        return ("Loss and accuracy need data with targets: choose a labelled dataset in the "
                "Data dock.")
    return None


def _energy(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    if rule_name == "hopfield" and dataset is not None:
        return None
    if network is not None and not _feedforward(network) and bool(
            getattr(network, "is_symmetric", False)):
        return None
    return ("Energy is defined for a Hopfield network, with symmetric connections both ways: "
            "open lesson 6, or connect every pair of units both ways with equal weights.")


def _hopfield(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    neurons = _neurons(network)
    advice = "open lesson 6, or build one from sign units connected both ways."
    if len(neurons) < 2:
        return "The Hopfield state needs a Hopfield network of at least two units: " + advice
    if any(getattr(n, "role", "") == "input" for n in neurons):
        return ("The Hopfield state needs a network without clamped inputs (every unit "
                "updates): " + advice)
    if any(getattr(n, "activation", "sign") != "sign" for n in neurons):
        return "The Hopfield state needs +1/-1 sign units: " + advice
    if _feedforward(network):
        return "The Hopfield state needs a network whose units feed back to each other: " + advice
    return None


def _weights(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    if not _synapses(network):
        return f"The weights plot needs at least one synapse: {DRAW_SYNAPSE}."
    return None


def _matrix(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    if not _synapses(network):
        return f"The weight matrix needs at least one synapse: {DRAW_SYNAPSE}."
    return None


def _activation(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    if not any(getattr(n, "role", "") != "input" for n in _neurons(network)):
        return ("The activation plot needs a neuron that computes (not an input): add one with "
                "N and a click, then select it.")
    return None


def _raster(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    if not _neurons(network):
        return ("The raster traces which neurons fire at each step: add neurons, or open lesson "
                "3 for an example.")
    if not _feedforward(network):
        return None
    if any(getattr(n, "role", "") != "input" and getattr(n, "activation", "") == "step"
           for n in _neurons(network)):
        return None
    return ("The raster traces which neurons fire at each step: it needs a network with a loop "
            "or threshold (step) units, as in lessons 2 and 3.")


def _surface(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    reason = _decision(network, rule_name, dataset)  # the surface is the decision map in 3-D
    return reason.replace("The decision map", "The output surface") if reason else None


def _layers(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    n_in = len(_inputs(network))
    if n_in != 2:
        return ("The layer view maps the input plane through a hidden layer: it needs a network "
                f"with exactly two inputs (it has {_count(n_in, 'input')}); open lesson 7 for an "
                "example.")
    if not _feedforward(network):
        return "The layer view needs a feed-forward network: remove the synapses that form a loop."
    ends = set(_inputs(network)) | set(_outputs(network))
    if not any(getattr(n, "name", None) not in ends for n in _neurons(network)):
        return ("The layer view shows how a hidden layer bends the plane: add hidden neurons "
                "between the inputs and the output, or open lesson 7 for an example.")
    return None


def _landscape(network: Any, rule_name: str | None, dataset: Any) -> str | None:
    if not _feedforward(network):
        return ("The loss landscape needs a feed-forward network: remove the synapses that form "
                "a loop.")
    if len(_synapses(network)) < 2 or not _inputs(network) or not _outputs(network):
        return ("The loss landscape is drawn over two weights: connect inputs to an output with "
                f"at least two synapses ({DRAW_SYNAPSE}), or open lesson 24 for an example.")
    applies = getattr(network, "compile", None) and _backprop_reason(network)
    if applies:
        return f"The loss landscape needs gradients: {applies}."
    if not _has_targets(dataset):
        return ("The loss landscape is the loss over the data: choose a dataset with targets in "
                "the Data dock.")
    return None


def _backprop_reason(network: Any) -> str | None:
    from nnsim.engine.rules import Backprop

    ok = Backprop().applies_to(network)
    return None if ok else ok.reason


CHECKS = {
    "decision": _decision,
    "curve": _curve,
    "loss": _loss,
    "weights": _weights,
    "energy": _energy,
    "activation": _activation,
    "hopfield": _hopfield,
    "matrix": _matrix,
    "raster": _raster,
    "surface": _surface,
    "layers": _layers,
    "landscape": _landscape,
}


def plot_unavailable_reason(key: str, network: Any, rule_name: str | None,
                            dataset: Any) -> str | None:
    """None if plot `key` applies to this network, rule (its name, e.g. "backprop", or None)
    and dataset (an engine Dataset or None); else a sentence saying what to do.  An unknown key
    applies (a plot added later is shown until it says otherwise)."""
    check = CHECKS.get(key)
    return check(network, rule_name, dataset) if check is not None else None
