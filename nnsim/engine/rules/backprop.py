"""Backpropagation with SGD, momentum or Adam, for any feed-forward network drawn on the canvas.

One step is one mini-batch; one epoch is one pass over the training part of the data, reshuffled
each epoch (seeded).  As in Keras, `validation_split` holds out the last fraction of the samples
before shuffling, or validation data can be given explicitly.  Loss and accuracy are measured at
the end of each epoch, on the whole training part and on the validation part, with the epoch's
final weights.  The loss is fixed when a trainer starts; the other parameters can change
during a run (the batch size at the next epoch).

The trainer never touches Network objects while it trains: the weights live in one flat NumPy
vector (see gradients.Graph) and reach the network only through network()/write_back().
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..datasets import Dataset, as_dataset
from ..initializers import INITIALIZERS, initialize
from ..network import Network
from . import losses, optimizers
from .arrays import matrices_fit
from .base import Applicability, History, Param, Rule, Trainer
from .gradients import Graph
from .unit_ops import DIFFERENTIABLE


class BackpropTrainer(Trainer):
    def __init__(self, rule: Rule, net: Network, data: Dataset | None, seed: int | None,
                 validation: Any = None) -> None:
        super().__init__(rule, net, data, seed)
        p = rule.params
        self.compiled = self.net.compile()
        self.graph = Graph(self.compiled, p["loss"])
        if p["reinitialize"]:
            self._reinitialize(p["init"])
        if data is None or data.y is None:
            raise ValueError("backpropagation is supervised: it needs data with targets")
        X, D = self._checked(data, "the data")
        if validation is not None:
            self.X_val, self.D_val = self._checked(as_dataset(validation), "the validation data")
            self.X, self.D = X, D
        else:
            # Keras: the last fraction of the samples, taken before any shuffling.
            split_at = math.ceil(len(X) * (1.0 - p["validation_split"]))
            self.X, self.D = X[:split_at], D[:split_at]
            self.X_val, self.D_val = X[split_at:], D[split_at:]
        if len(self.X) == 0:
            raise ValueError("parameter 'validation_split' leaves no samples to train on")
        self.optimizer = optimizers.make(p["optimizer"], self.graph.theta.size)
        self.previous = self.graph.theta.copy()  # the last finite weights, kept on divergence
        self.A = self.graph.inputs_matrix(self.X)  # the epoch's shuffled samples, in place
        self.D_epoch = self.D.copy()
        self.batch = p["batch_size"]
        self.programs: dict[int, list] = {}  # per mini-batch position
        self._quiet = False  # inside run_epoch's errstate

    def _checked(self, data: Dataset, what: str) -> tuple[np.ndarray, np.ndarray]:
        c = self.compiled
        if data.n_features != c.n_inputs:
            raise ValueError(f"{what} has {data.n_features} input columns but the network has "
                             f"{c.n_inputs} inputs")
        k = len(c.output_names)
        if self.graph.loss == "categorical_crossentropy" and data.y.ndim == 1:
            return data.X, losses.categorical_targets(data.y, k)
        D = data.targets
        if D.shape[1] != k:
            raise ValueError(f"{what} has {D.shape[1]} target columns but the network has {k} "
                             "outputs")
        return data.X, D

    def _reinitialize(self, name: str) -> None:
        for L in self.graph.layers:
            fan_in, fan_out = L.W.shape
            L.W[...] = initialize(name, fan_in, fan_out, self.rng) * L.mask
            L.b[...] = 0.0

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.X) // self.batch)

    def _begin_epoch(self) -> None:
        p = self.rule.params
        if p["batch_size"] != self.batch:
            self.batch = p["batch_size"]
            self.programs.clear()
        if p["shuffle"]:
            order = self.rng.permutation(len(self.X))
            self.A[:, self.graph.input_cols] = self.X[order]
            self.D_epoch[...] = self.D[order]
        if p["optimizer"] != self.optimizer.name:  # changed during the run: a fresh state
            self.optimizer = optimizers.make(p["optimizer"], self.graph.theta.size)

    def _program(self, i: int) -> list:
        """Forward and backward ops of mini-batch i, bound to rows of the epoch buffers."""
        rows = slice(i * self.batch, (i + 1) * self.batch)
        A, D = self.A[rows], self.D_epoch[rows]
        forward, buf = self.graph.forward_program(A)
        program = self.programs[i] = forward + self.graph.backward_program(A, D, buf)
        return program

    def _step(self) -> None:
        if self.position == 0:
            self._begin_epoch()
        if self._quiet:
            self._update()
        else:
            with np.errstate(all="ignore"):
                self._update()

    def _update(self) -> None:
        theta = self.graph.theta
        np.copyto(self.previous, theta)
        for fn, args in self.programs.get(self.position) or self._program(self.position):
            fn(*args)
        self.optimizer.step(theta, self.graph.grad, self.rule.params)
        if not np.dot(theta, theta) < 1e300:  # inf or nan once anything has blown up
            np.copyto(theta, self.previous)
            self.history.diverged = True
            self.history.diverged_at = self.history.steps + 1

    def run_epoch(self) -> None:
        # Divergence is detected, not warned about: silence numpy once per epoch, not per step.
        with np.errstate(all="ignore"):
            self._quiet = True
            try:
                super().run_epoch()
            finally:
                self._quiet = False

    def _end_epoch(self) -> None:
        h, graph = self.history, self.graph
        with np.errstate(all="ignore"):
            loss, acc = graph.evaluate(self.X, self.D)
            h.loss.append(loss)
            h.accuracy.append(acc)
            if len(self.X_val):
                val_loss, val_acc = graph.evaluate(self.X_val, self.D_val)
                h.val_loss.append(val_loss)
                h.val_accuracy.append(val_acc)
            w = graph.theta[graph.is_weight]
            h.weight_norm.append(float(np.sqrt(np.dot(w, w))))

    def network(self) -> Network:
        out = self.net.copy()
        self.compiled.write_back(out, self.graph.layer_parameters())
        return out

    def gradient(self, X: Any, D: Any) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
        """(loss, [(dL/dW, dL/db) per layer]) for one batch at the current weights."""
        X, D = self._checked(Dataset(X, D), "the batch")
        graph = self.graph
        A = graph.inputs_matrix(X)
        buf = graph.forward(A)
        z, y = graph.outputs(A, buf)
        graph.backward(A, D, buf)
        return losses.value(graph.loss, z, y, D), graph.layer_gradients()


class Backprop(Rule):
    name = "backprop"
    title = "Backpropagation"
    formula = "w -= eta * dL/dw   (chain rule from the outputs back)"
    parameters = (
        Param("optimizer", str, "adam", "how gradients move the weights",
              choices=optimizers.OPTIMIZERS),
        Param("learning_rate", float, 0.001, "step size (Keras: 0.001 for adam, 0.01 for sgd)",
              minimum=0.0, maximum=10.0, log_scale=True),
        Param("loss", str, "mse", "what is minimised", choices=losses.LOSSES),
        Param("batch_size", int, 32, "samples per step (one mini-batch)", minimum=1,
              maximum=1_000_000),
        Param("validation_split", float, 0.0, "fraction of the data (the last samples) held out",
              minimum=0.0, maximum=0.9),
        Param("shuffle", bool, True, "reshuffle the training samples every epoch"),
        Param("init", str, "glorot_uniform", "initial weights when reinitialising",
              choices=INITIALIZERS),
        Param("reinitialize", bool, False, "draw fresh weights (with init) when training starts"),
        Param("momentum", float, 0.9, "momentum optimizer: fraction of the last step kept",
              minimum=0.0, maximum=0.999),
        Param("beta1", float, 0.9, "adam: decay of the gradient average", minimum=0.0,
              maximum=0.9999),
        Param("beta2", float, 0.999, "adam: decay of the squared-gradient average",
              minimum=0.0, maximum=0.99999),
        Param("epsilon", float, 1e-7, "adam: keeps the step finite", minimum=1e-12, maximum=1.0,
              log_scale=True),
    )
    trainer_class = BackpropTrainer

    def applies_to(self, net: Network) -> Applicability:
        if not net.inputs:
            return Applicability(False, "backpropagation needs at least one input neuron")
        if not net.outputs:
            return Applicability(False, "backpropagation needs at least one output unit")
        if not net.synapses:
            return Applicability(False, "backpropagation needs synapses to train")
        if not net.is_feedforward:
            return Applicability(False, "backpropagation needs a feed-forward network; this one "
                                        "has loops (through time is not supported)")
        for s in net.synapses:
            if s.kind == "inhibitory":
                return Applicability(False, f"synapse {net.neuron(s.source).name!r} -> "
                                            f"{net.neuron(s.target).name!r} is an inhibitory veto: "
                                            "an all-or-nothing switch has no gradient")
        for n in net.neurons:
            if n.role != "input" and n.activation not in DIFFERENTIABLE:
                return Applicability(False, f"{n.name!r} is a {n.activation} unit: its derivative "
                                            "is zero wherever it exists, so no gradient flows "
                                            "(use sigmoid, tanh, relu or linear units)")
        fits = matrices_fit(net)
        if not fits:
            return fits
        return self._loss_applies(net)

    def _loss_applies(self, net: Network) -> Applicability:
        loss = self.params["loss"]
        outputs = [net.neuron(name) for name in net.outputs]
        if loss == "binary_crossentropy":
            for o in outputs:
                if o.activation != "sigmoid":
                    return Applicability(False, f"binary cross-entropy needs sigmoid outputs; "
                                                f"{o.name!r} is a {o.activation} unit")
        if loss == "categorical_crossentropy":
            if len(outputs) < 2 or any(o.activation != "softmax" for o in outputs):
                return Applicability(False, "categorical cross-entropy needs two or more softmax "
                                            "output units")
            layers = net.layers
            home = [next(i for i, layer in enumerate(layers) if o.name in layer) for o in outputs]
            same = [net.neuron(m) for m in layers[home[0]] if net.neuron(m).activation == "softmax"]
            if len(set(home)) > 1 or {n.name for n in same} != {o.name for o in outputs}:
                return Applicability(False, "categorical cross-entropy needs the softmax outputs "
                                            "to form one group: the only softmax units of one "
                                            "layer")
        return Applicability(True)

    def trainer(self, net: Network, data: Any = None, seed: int | None = 0,
                validation: Any = None) -> BackpropTrainer:
        ok = self.applies_to(net)
        if not ok:
            raise ValueError(f"{self.title} does not apply to this network: {ok.reason}")
        return BackpropTrainer(self, net, as_dataset(data), seed, validation)

    def train(self, net: Network, data: Any = None, epochs: int = 100, seed: int | None = 0,
              validation: Any = None) -> History:
        trainer = self.trainer(net, data, seed, validation)
        history = trainer.run(epochs)
        trainer.write_back(net)
        return history
