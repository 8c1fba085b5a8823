"""What a neuron or a synapse computes, written out with its numbers plugged in.

Pure functions of values (no Qt): the canvas's hover card and the decision plot's probe label
both write their sums here, so the two never disagree.  Every number goes through
`format_value` (3 significant digits).

A neuron: z = b + Σ wᵢxᵢ = 0.1 + 0.5·0.8 - 1.2·0.3 = 0.14, then y = tanh(z) = 0.139 (the
unit's name in place of g).  The sign of a weight is folded into the sum ("- 1.2·0.3", as on a
blackboard); a negative x is bracketed ("3·(-1)").  Threshold units use the lecture's T (fires
when Σ wᵢxᵢ > T, stored as b = -T); gaussian units the squared distance Σ (xᵢ - wᵢ)²;
softmax units their share of the layer.  An inhibitory synapse is a veto, never a summand
(McCulloch-Pitts, see nnsim.engine.compiled): while its source fires (output > 0) the target's
output is 0.

The z written is the engine's own net input; the sum is written out only when its terms add up
to it at display precision (in a network with loops the engine summed the previous step's
values, which the canvas no longer has: then the weights are shown with the sources' names).
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nnsim.app.numbers import format_value
from nnsim.engine.units import get_unit

MAX_TERMS = 6  # terms written out before "+ … (n more)"
THRESHOLD_UNITS = ("step", "sign")  # written with the lecture's T rather than a bias
SIGMA = "\u03a3"
DOT = "\u00b7"
ARROW = "\u2192"


@dataclass(frozen=True)
class Readout:
    """A title (the neuron's or synapse's name) and the lines under it."""
    title: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.lines))


def factor(value: float | str) -> str:
    """A value as a factor of a product: 0.8, (-1), or a name when the value is not known."""
    if isinstance(value, str):
        return value
    text = format_value(value)
    return f"({text})" if text.startswith("-") else text


def written_sum(terms: Sequence[tuple[float, float | str]], bias: float | None = None,
                max_terms: int = MAX_TERMS) -> str:
    """'1 + 3·(-1) - 2·2': the bias (None: none), then each w·x with w's sign folded in; past
    `max_terms` terms, '+ … (n more)'.  An x may be a name (a value not known)."""
    parts: list[str] = [] if bias is None else [format_value(bias)]
    for w, x in terms[:max_terms]:
        wt = format_value(w)
        negative = wt.startswith("-")
        product = f"{wt.lstrip('-')}{DOT}{factor(x)}"
        if parts:
            parts.append(f"{'-' if negative else '+'} {product}")
        else:
            parts.append(("-" if negative else "") + product)
    if len(terms) > max_terms:
        parts.append(f"+ \u2026 ({len(terms) - max_terms} more)")
    return " ".join(parts) if parts else "0"


def written_distance(terms: Sequence[tuple[float, float | str]], max_terms: int = MAX_TERMS) -> str:
    """'(0.8 - 0.5)² + (0.3 + 1.2)²': each (x - w)² with w's sign folded in."""
    parts = []
    for w, x in terms[:max_terms]:
        wt = format_value(w)
        sign = "+" if wt.startswith("-") else "-"
        xt = x if isinstance(x, str) else format_value(x)
        parts.append(f"({xt} {sign} {wt.lstrip('-')})\u00b2")
    if len(terms) > max_terms:
        parts.append(f"\u2026 ({len(terms) - max_terms} more)")
    return " + ".join(parts) if parts else "0"


def _known(*values: float) -> bool:
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def _same(a: float, b: float) -> bool:
    """Equal at display precision (or within a rounding step of the last digit)."""
    if format_value(a) == format_value(b):
        return True
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@dataclass(frozen=True)
class Incoming:
    """One synapse into a neuron: its source's name and output, its weight and kind."""
    source: str
    weight: float
    value: float  # the source's output (NaN: not known yet)
    inhibitory: bool = False


def _sum_exact(terms: Sequence[Incoming], bias: float, distance: bool) -> float:
    if distance:
        return math.fsum((t.value - t.weight) ** 2 for t in terms)
    return math.fsum([bias] + [t.weight * t.value for t in terms])


def z_lines(activation: str, bias: float, z: float, incoming: Sequence[Incoming],
            max_terms: int = MAX_TERMS, formula: bool = True) -> list[str]:
    """The net input's line(s): the formula (`formula`: else only 'z = ' and the terms), its
    terms with the numbers plugged in, and the engine's z (`z`).  Threshold units: Σ wᵢxᵢ here,
    the comparison with T in y_lines."""
    summed = [t for t in incoming if not t.inhibitory]
    distance = activation == "gaussian"
    threshold = activation in THRESHOLD_UNITS
    known = _known(z, *(t.value for t in summed))
    # the engine's z, and whether the terms as the canvas has them add up to it
    agrees = known and _same(_sum_exact(summed, 0.0 if threshold else bias, distance),
                             z - bias if threshold else z)
    values = [(t.weight, t.value if agrees else t.source) for t in summed]
    if distance:
        head, body = f"z = {SIGMA} (xᵢ - wᵢ)\u00b2", written_distance(values, max_terms)
        value = z
    elif threshold:
        head, body = f"{SIGMA} wᵢxᵢ", written_sum(values, None, max_terms)
        value = z - bias
    else:
        head, body = f"z = b + {SIGMA} wᵢxᵢ", written_sum(values, bias, max_terms)
        value = z
    if not formula:
        head = f"{SIGMA} wᵢxᵢ" if threshold else "z"
    if not summed and not distance and not threshold:
        return [f"z = b = {format_value(bias)}"]
    if not _known(z):
        return [f"{head} = {body}", "(not computed yet)"]
    line = f"{head} = {body} = {format_value(value)}"
    if not agrees:
        return [line, "(summed over the values of the step before)"]
    return [line]


def y_lines(activation: str, bias: float, z: float, y: float,
            softmax_group: Sequence[str] = (), beta: float = 1.0) -> list[str]:
    """The output's line: y = g(z) = value, with the unit's own notation."""
    if not _known(y):
        return []
    yt = format_value(y)
    if activation == "step":
        total, t = z - bias, -bias
        if z > 0:
            return [f"{format_value(total)} > T = {format_value(t)}: fires, y = {yt}"]
        return [f"{format_value(total)} \u2264 T = {format_value(t)}: y = {yt}"]
    if activation == "sign":
        total, t = z - bias, -bias
        op = "\u2265" if z >= 0 else "<"
        return [f"{format_value(total)} {op} T = {format_value(t)}: y = {'+' if y > 0 else ''}{yt}"]
    if activation == "linear":
        return [f"y = z = {yt}"]
    if activation == "gaussian":
        return [f"y = exp(-\u03b2 z) = exp(-{format_value(beta)}{DOT}{factor(z)}) = {yt}"]
    if activation == "softmax":
        group = list(softmax_group)
        over = ", ".join(group) if 0 < len(group) <= 4 else f"{len(group)} units"
        return [f"y = softmax(z) = e^z / {SIGMA} e^zⱼ = {yt}",
                f"(its share among the softmax outputs {over})" if group else
                "(its share among the softmax outputs)"]
    return [f"y = {get_unit(activation).label}(z) = {yt}"]


def veto_line(target: str, incoming: Sequence[Incoming]) -> list[str]:
    """Whether an inhibitory synapse vetoes the neuron now (McCulloch-Pitts)."""
    vetoes = [t for t in incoming if t.inhibitory]
    if not vetoes:
        return []
    firing = [t for t in vetoes if _known(t.value) and t.value > 0]
    if firing:
        t = firing[0]
        return [f"veto: {target} is 0 while {t.source} fires ({t.source} = {format_value(t.value)})"]
    names = ", ".join(t.source for t in vetoes[:3]) + (" \u2026" if len(vetoes) > 3 else "")
    return [f"veto from {names}: not firing, no effect now"]


def neuron_readout(name: str, role: str, activation: str, bias: float, z: float, y: float,
                   incoming: Sequence[Incoming] = (), *, beta: float = 1.0,
                   softmax_group: Sequence[str] = (), max_terms: int = MAX_TERMS) -> Readout:
    """A neuron's card: its title, its net input written out, its output."""
    if role == "input":
        return Readout(name, (f"{name} = {format_value(y)} (input)",))
    title = f"{name}  {role}, {get_unit(activation).label}"
    if activation in THRESHOLD_UNITS:
        title += f", T = {format_value(-bias)}"
    elif activation == "gaussian":
        title += f", \u03b2 = {format_value(beta)}"
    lines = z_lines(activation, bias, z, incoming, max_terms)
    summed = [t.source for t in incoming if not t.inhibitory]
    if summed and not all(re.fullmatch(r"x\d+", n) for n in summed):
        # which output each xᵢ is (the inputs x1, x2, ... name themselves)
        more = " \u2026" if len(summed) > max_terms else ""
        lines.append(f"(x\u1d62: {', '.join(summed[:max_terms])}{more})")
    vetoed = any(t.inhibitory and _known(t.value) and t.value > 0 for t in incoming)
    if vetoed and _known(y):
        lines.append(f"y = {format_value(y)} (vetoed)")
    else:
        lines += y_lines(activation, bias, z, y, softmax_group, beta)
    lines += veto_line(name, incoming)
    return Readout(title, tuple(lines))


def synapse_readout(source: str, target: str, weight: float, x: float, inhibitory: bool,
                    target_activation: str, target_z: float = math.nan) -> Readout:
    """A synapse's card: its weight, its source's output and what it adds to the target."""
    title = f"{source} {ARROW} {target}"
    wt = format_value(weight)
    xt = format_value(x) if _known(x) else "(not computed yet)"
    if inhibitory:
        title += "  inhibitory"
        if not _known(x):
            lines = [f"veto: {target} is 0 whenever {source} fires"]
        elif x > 0:
            lines = [f"veto: {target} is 0 while {source} fires ({source} = {xt})"]
        else:
            lines = [f"veto: {source} does not fire ({source} = {xt}), so no effect"]
        lines.append(f"its weight {wt} is not added to z")
        return Readout(title, tuple(lines))
    lines = [f"w = {wt},  x = {source} = {xt}"]
    if _known(x):
        if target_activation == "gaussian":  # a centre's coordinate: the distance's term
            lines.append(f"(x - w)\u00b2 = {written_distance([(weight, x)])} "
                         f"= {format_value((x - weight) ** 2)}")
        else:
            lines.append(f"w{DOT}x = {wt}{DOT}{factor(x)} = {format_value(weight * x)}")
    if _known(target_z):
        lines.append(f"(a term of {target}'s z = {format_value(target_z)})")
    return Readout(title, tuple(lines))
