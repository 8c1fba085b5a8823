"""Learning rules, one module each.  `RULES` maps a rule's name to its class, for the app."""
from .base import Applicability, History, Param, Rule, Trainer

__all__ = ["Applicability", "History", "Param", "RULES", "Rule", "Trainer"]

# Each rule module adds its classes below and to RULES.
RULES: dict[str, type[Rule]] = {}
# Hebbian, perceptron and delta rules (decision_line: the boundary of a two-input unit).
from .hebb import Hebb, Oja  # noqa: E402
from .perceptron import Delta, Perceptron, decision_line  # noqa: E402

__all__ += ["Delta", "Hebb", "Oja", "Perceptron", "decision_line"]
RULES.update({r.name: r for r in (Hebb, Oja, Perceptron, Delta)})
# Backpropagation (optimizers, losses and gradients live in their own modules).
from .backprop import Backprop  # noqa: E402
from .landscape import LossLandscape, loss_landscape  # noqa: E402
from .trace import BackpropTrace, backprop_trace  # noqa: E402

__all__ += ["Backprop", "BackpropTrace", "LossLandscape", "backprop_trace", "loss_landscape"]
RULES[Backprop.name] = Backprop
# Hopfield storage (and its capacity experiment) and RBF fitting.
from .hopfield import HopfieldStore, capacity_experiment  # noqa: E402
from .rbf import RBFFit  # noqa: E402

__all__ += ["HopfieldStore", "RBFFit", "capacity_experiment"]
RULES.update({r.name: r for r in (HopfieldStore, RBFFit)})
