"""Every number in a plot's status line is written by nnsim.app.numbers.format_value: three
significant digits, written out (issue 11: a weight read "6.4e-16", a loss "0.06282")."""
from types import SimpleNamespace

import numpy as np

from nnsim.app.plots import (
    ActivationPlot,
    CurvePlot,
    DecisionPlot,
    EnergyPlot,
    HopfieldView,
    LossPlot,
    WeightMatrixPlot,
    WeightsPlot,
)


def make(qtbot, cls):
    plot = cls()
    qtbot.addWidget(plot)
    return plot


def test_loss_status(qtbot):
    plot = make(qtbot, LossPlot)
    plot.update_snapshot(SimpleNamespace(history={
        "loss": np.array([0.5, 0.0628173]), "val_loss": np.array([0.6, 0.104]),
        "accuracy": np.array([0.5, 0.99912]), "val_accuracy": np.array([0.5, 0.95])}))
    assert plot.status.text() == "epoch 2 · loss 0.0628 · val 0.104 · acc 99.9% · val acc 95%"
    plot.update_snapshot(SimpleNamespace(history={"errors": np.array([3, 2]),
                                                  "accuracy": np.array([0.25, 0.5])}))
    assert plot.status.text() == "epoch 2 · errors 2 · acc 50%"


def test_weights_status_writes_a_floating_point_zero_as_0(qtbot):
    plot = make(qtbot, WeightsPlot)
    plot.update_snapshot(SimpleNamespace(step=3, synapses=(("x1", "y"),),
                                         weights=np.array([6.4e-16])))
    assert plot.status.text() == "step 3 · ‖w‖ = 0"


def test_activation_status(qtbot):
    plot = make(qtbot, ActivationPlot)
    plot.set_neuron("sigmoid", -6.0, name="y")
    assert "z = -6 → y = 0.00247, slope 0.00247" in plot.status.text()
    plot.set_neuron("linear", 1e-9)
    assert "z = 0 → y = 0, slope 1" in plot.status.text()


def test_energy_matrix_curve_decision_hopfield_status(qtbot):
    energy = make(qtbot, EnergyPlot)
    energy.update_snapshot(SimpleNamespace(history={"energy": np.array([-10.0, -1234.5])}))
    assert energy.status.text() == "E = -1230 at sweep 1 · down from -10 at sweep 0"

    matrix = make(qtbot, WeightMatrixPlot)
    matrix.set_matrix(np.array([[12345.0, -1.0]]))
    assert matrix.status.text() == "1 × 2 · |w| ≤ 12300"

    curve = make(qtbot, CurvePlot)
    curve.update_snapshot(SimpleNamespace(curve=(np.zeros(2), np.zeros(2)), epoch=4,
                                          metrics={"loss": 0.0628173}))
    assert curve.status.text() == "epoch 4 · loss 0.0628"

    decision = make(qtbot, DecisionPlot)
    decision.update_snapshot(SimpleNamespace(decision=SimpleNamespace(
        grid=np.full((4, 4), -0.5, np.float32), extent=(-1, 1, -1, 1), lines=[], neuron_grids={})))
    assert decision.status.text() == "output -0.5 everywhere · blue -1 · white 0 · orange 1"

    hopfield = make(qtbot, HopfieldView)
    pattern = np.array([1.0] * 16)
    hopfield.set_patterns(pattern[None, :], ["A"])
    state = pattern.copy()
    state[0] = -1  # one pixel off (overlap 14/16 = 0.875)
    hopfield.set_state(state)
    assert hopfield.status.text() == "closest: A · 1 of 16 pixels off"
