"""Synchronous steps with McCulloch-Pitts semantics, and Hopfield settling with its energy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsim.engine import Network
from nnsim.engine.dynamics import energy, settle


def latch() -> Network:
    """A McCulloch-Pitts memory: 'set' starts a self-exciting loop, 'reset' vetoes it."""
    net = Network()
    net.add_neuron("set", role="input")
    net.add_neuron("reset", role="input")
    net.add_neuron("m", role="output", activation="step")
    net.set_threshold("m", 0.5)
    net.connect("set", "m", 1.0)
    net.connect("m", "m", 1.0)
    net.connect("reset", "m", 1.0, kind="inhibitory")
    return net


def test_a_loop_remembers_a_pulse_until_reset():
    pulses = ([{"set": 0, "reset": 0}] * 2 + [{"set": 1, "reset": 0}] + [{"set": 0, "reset": 0}] * 4
              + [{"set": 0, "reset": 1}] + [{"set": 0, "reset": 0}] * 3)
    m = [step["m"] for step in latch().run(pulses)]
    assert m == [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0]


def test_reset_wins_over_set_and_self_excitation():
    trace = latch().run([{"set": 1, "reset": 0}, {"set": 1, "reset": 1}, {"set": 1, "reset": 0}])
    assert [t["m"] for t in trace] == [1, 0, 1]


def test_run_starts_from_a_given_state_and_keeps_unnamed_inputs():
    net = latch()
    trace = net.run(3, state={"m": 1})
    assert [t["m"] for t in trace] == [1, 1, 1]
    assert [t["m"] for t in net.run([{"reset": 1}, {}, {"reset": 0}], state={"m": 1})] == [0, 0, 0]


def test_run_rejects_a_non_input_clamp():
    with pytest.raises(ValueError, match="step 0: neuron 'm' is not an input"):
        latch().run([{"m": 1}])


def test_synchronous_feedforward_gate_responds_in_the_same_step():
    net = Network()
    net.add_neuron("a", role="input")
    net.add_neuron("b", role="input")
    net.add_neuron("and", activation="step", bias=-1.5)
    net.connect("a", "and", 1.0)
    net.connect("b", "and", 1.0)
    trace = net.run([{"a": 1, "b": 1}, {"a": 0, "b": 1}, {"a": 1, "b": 1}])
    assert [t["and"] for t in trace] == [1, 0, 1]


def hebbian_weights(patterns: np.ndarray) -> np.ndarray:
    n = patterns.shape[1]
    w = patterns.T @ patterns / n
    np.fill_diagonal(w, 0.0)
    return w


def test_hopfield_recalls_stored_patterns_from_noise():
    rng = np.random.default_rng(3)
    patterns = rng.choice([-1.0, 1.0], size=(3, 100))
    hop = Network.hopfield(100, hebbian_weights(patterns))
    assert hop.is_symmetric and hop.parameter_count == 100 * 99
    for p in patterns:
        noisy = p.copy()
        noisy[rng.choice(100, 10, replace=False)] *= -1
        result = hop.settle(noisy, mode="async", seed=0, max_sweeps=50)
        np.testing.assert_array_equal(result.final, p)
        assert result.converged
        assert result.energies[-1] < result.energies[0]
        assert result.energies[-1] == pytest.approx(hop.energy(p))
        assert np.all(np.diff(result.energies) <= 1e-12)


def test_energy_formula_matches_a_direct_sum():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 6))
    w = (a + a.T) / 2
    np.fill_diagonal(w, 0)
    b = rng.normal(size=6)
    s = rng.choice([-1.0, 1.0], size=6)
    direct = -0.5 * sum(w[i, j] * s[i] * s[j] for i in range(6) for j in range(6)) - b @ s
    assert energy(w, b, s) == pytest.approx(direct)
    hop = Network.hopfield(6, w)
    for i in range(6):
        hop.set_bias(f"s{i}", b[i])
    assert hop.energy(s) == pytest.approx(direct)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 24), seed=st.integers(0, 2**32 - 1), with_bias=st.booleans())
def test_async_settling_never_increases_energy(n, seed, with_bias):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    w = (a + a.T) / 2
    np.fill_diagonal(w, 0.0)
    b = rng.normal(size=n) if with_bias else np.zeros(n)
    s0 = rng.choice([-1.0, 1.0], size=n)
    result = settle(w, b, s0, mode="async", seed=seed, max_sweeps=30)
    assert np.all(np.diff(result.energies) <= 1e-9)
    for state, e in zip(result.states, result.energies):
        assert e == pytest.approx(energy(w, b, state))
    if result.converged:  # a fixed point: every unit agrees with the sign of its field
        field = result.final @ w + b
        assert np.all(np.where(field >= 0, 1.0, -1.0) == result.final)


def test_settle_is_deterministic_for_a_seed_and_sync_mode_works():
    rng = np.random.default_rng(1)
    w = hebbian_weights(rng.choice([-1.0, 1.0], size=(5, 64)))
    s0 = rng.choice([-1.0, 1.0], size=64)
    a = settle(w, np.zeros(64), s0, seed=7)
    b = settle(w, np.zeros(64), s0, seed=7)
    np.testing.assert_array_equal(a.states, b.states)
    sync = settle(w, np.zeros(64), s0, mode="sync", max_sweeps=20)
    assert sync.states.shape[1] == 64
    with pytest.raises(ValueError, match="only \\+1 and -1"):
        settle(w, np.zeros(64), np.zeros(64))
    with pytest.raises(ValueError, match="unknown settle mode"):
        settle(w, np.zeros(64), s0, mode="chaotic")
