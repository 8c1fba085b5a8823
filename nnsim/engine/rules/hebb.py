"""Hebb's rule ("cells that fire together wire together") and Oja's stabilised version.

Both are unsupervised and present one sample per step, in dataset order; on data with targets
the output's accuracy is recorded each epoch all the same (the rule never uses the targets).
Hebb's rule has no competition and no decay, so the weight norm grows without bound: the
lecture's instability.  The trainer shows it honestly: it computes each update with
floating-point warnings silenced, and when a value would leave the finite range (or pass LIMIT)
it keeps the last finite weights and stops with history.diverged set.  No NaN reaches the
network and no numpy warning escapes.
"""
from __future__ import annotations

import numpy as np

from ..network import Network
from .arrays import LIMIT, ArrayTrainer, matrices_fit, single_layer
from .base import Applicability, Param, Rule
from .losses import accuracy

_ETA = Param("learning_rate", float, 0.01, "eta: how far each sample moves the weights",
             minimum=0.0, maximum=10.0, log_scale=True)


class _UnsupervisedTrainer(ArrayTrainer):
    """One sample per step; subclasses give the weight change of one layer."""

    def __init__(self, rule, net, data, seed) -> None:
        super().__init__(rule, net, data, seed)
        self.X = self._inputs()

    @property
    def steps_per_epoch(self) -> int:
        return len(self.X)

    def _delta(self, w: np.ndarray, src: np.ndarray, tgt: np.ndarray, eta: float) -> np.ndarray:
        raise NotImplementedError

    def _step(self) -> None:
        x = self.X[self.position][None, :]
        eta = self.rule.params["learning_rate"]
        with np.errstate(all="ignore"):
            a, _ = self.compiled.forward_full(x)
            new = []
            for (w, _b), layer in zip(self.params, self.compiled.layers):
                src, tgt = a[0, layer.sources], a[0, layer.targets]
                new.append(w + self._delta(w, src, tgt, eta) * layer.mask)
        # Check everything before writing anything: a diverged run keeps its last finite weights.
        if not (np.all(np.isfinite(a)) and all(np.all(np.abs(w) <= LIMIT) for w in new)):
            self.history.diverged = True
            self.history.diverged_at = self.history.steps + 1
            self.history.weight_norm.append(self._safe_norm())
            return
        for (w, _b), w_new in zip(self.params, new):
            w[...] = w_new

    def _safe_norm(self) -> float:
        with np.errstate(all="ignore"):
            norm = self.weight_norm()
        return norm if np.isfinite(norm) else float(np.finfo(float).max)

    def _end_epoch(self) -> None:
        self.history.weight_norm.append(self._safe_norm())
        # The rule never sees targets; when the data have them, how well the output matches
        # them is still measured (Hebb's accuracy stays near chance: lesson 17).
        d = getattr(self.data, "y", None)
        if d is not None and self.data.targets.shape[1] == len(self.compiled.output_names):
            with np.errstate(all="ignore"):
                y = self.compiled.forward(self.X)
            if np.all(np.isfinite(y)):
                self.history.accuracy.append(accuracy(y, self.data.targets))


class HebbTrainer(_UnsupervisedTrainer):
    def _delta(self, w, src, tgt, eta):
        return eta * np.outer(src, tgt)


class OjaTrainer(_UnsupervisedTrainer):
    def _delta(self, w, src, tgt, eta):
        # Oja: eta * y * (x - y * w): Hebb's term minus a decay that keeps |w| near 1.
        return eta * (np.outer(src, tgt) - w * (tgt * tgt))


def _feedforward_with_synapses(net: Network) -> Applicability:
    if not net.inputs:
        return Applicability(False, "Hebb's rule needs at least one input neuron")
    if not net.synapses:
        return Applicability(False, "Hebb's rule needs at least one synapse to strengthen")
    if not net.is_feedforward:
        return Applicability(False, "this Hebb trainer presents one sample at a time to a "
                                    "feed-forward network; this one has loops (store patterns "
                                    "in a Hopfield network with HopfieldStore)")
    return matrices_fit(net)


class Hebb(Rule):
    name = "hebb"
    title = "Hebb's rule"
    formula = "w_i += eta * x_i * y"
    supervised = False
    parameters = (_ETA,)
    trainer_class = HebbTrainer

    def applies_to(self, net: Network) -> Applicability:
        return _feedforward_with_synapses(net)


class Oja(Rule):
    name = "oja"
    title = "Oja's rule"
    formula = "w += eta * y * (x - y * w)"
    supervised = False
    parameters = (_ETA,)
    trainer_class = OjaTrainer

    def applies_to(self, net: Network) -> Applicability:
        ok = single_layer(net, ("linear",), "Oja's rule needs one linear output unit fed by the inputs")
        if ok and sum(n.role != "input" for n in net.neurons) != 1:
            return Applicability(False, "Oja's rule needs one linear output unit fed by the "
                                        "inputs; this network has several")
        return ok
