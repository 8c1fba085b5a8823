"""Networks from the lecture that several engine tests use."""
from nnsim.engine import Network


def lecture_perceptron() -> Network:
    """The worked example: y = g(1 + 3 x1 - 2 x2) with a sigmoid g."""
    net = Network()
    net.add_neuron("x1", role="input")
    net.add_neuron("x2", role="input")
    net.add_neuron("y", activation="sigmoid", bias=1.0)
    net.connect("x1", "y", 3.0)
    net.connect("x2", "y", -2.0)
    return net
