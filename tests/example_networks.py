"""Small networks several test modules share (importable: pytest puts tests/ on sys.path)."""
from nnsim.engine import Network


def blinker() -> Network:
    """Outputs change every step: an always-on input drives a relay that vetoes its own source
    (step units; the inhibitory synapse is the McCulloch-Pitts veto)."""
    net = Network("blinker")
    net.add_neuron("go", role="input", value=1.0, x=0, y=0)
    net.add_neuron("a", activation="step", bias=-0.5, x=150, y=0)
    net.add_neuron("b", activation="step", bias=-0.5, x=300, y=0)
    net.connect("go", "a", 1.0)
    net.connect("a", "b", 1.0)
    net.connect("b", "a", 1.0, kind="inhibitory")
    return net


def two_two_one(a, b=(0.0, 0.0), activation="linear", out=(1.0, -1.0, 0.25),
                output="sigmoid") -> Network:
    """x1, x2 -> h1, h2 (h_j = g(sum_i a[j][i] x_i + b_j)) -> y: a hidden layer of two units
    whose own plane the layer view draws."""
    net = Network("2-2-1")
    for name in ("x1", "x2"):
        net.add_neuron(name, role="input")
    for j, h in enumerate(("h1", "h2")):
        net.add_neuron(h, activation=activation, bias=float(b[j]))
        for i, x in enumerate(("x1", "x2")):
            net.connect(x, h, float(a[j][i]))
    net.add_neuron("y", role="output", activation=output, bias=float(out[2]))
    net.connect("h1", "y", float(out[0]))
    net.connect("h2", "y", float(out[1]))
    return net
