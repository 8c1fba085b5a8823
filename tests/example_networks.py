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
