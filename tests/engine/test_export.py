"""Export: weights to .npz and back, and the drawn network as Keras / PyTorch code.

The Keras code runs against a small NumPy-backed fake `tf` (below) that records the layers the
code builds, so its structure and outputs are checked without TensorFlow; the PyTorch code runs
for real when torch is installed."""
import contextlib
import importlib.util
import io
import os
import types
import zipfile

import numpy as np
import pytest

from nnsim.engine import Network, export
from nnsim.engine.units import UNITS


# ---------------------------------------------------------------------- networks
def skip_net() -> Network:
    """Skip connection, a missing synapse, mixed units in one layer, a bias-only unit."""
    net = Network.layered([2, 3, 2], ["relu", "sigmoid"], seed=2)
    net.set_activation("h1_2", "tanh")
    net.set_activation("h1_3", "gaussian")
    net.set_param("h1_3", "beta", 0.5)
    net.connect("x1", "y1", 0.7)  # skips the hidden layer
    net.disconnect("h1_1", "y2")
    net.set_activation("y2", "tanh")
    net.set_bias("h1_1", 0.3)
    net.add_neuron("const", activation="sigmoid", bias=0.4)
    net.connect("const", "y1", -1.2)
    return net


def deep_softmax_net() -> Network:
    net = Network.layered([3, 5, 4, 3], ["tanh", "relu", "softmax"], seed=3)
    for i, name in enumerate(net.names):
        if net.neuron(name).role != "input":
            net.set_bias(name, 0.1 * i - 0.5)
    return net


def gates_net() -> Network:
    """XOR from McCulloch-Pitts threshold units, and a sign unit beside it."""
    net = Network("xor")
    for name in ("x1", "x2"):
        net.add_neuron(name, role="input")
    net.add_neuron("or", activation="step", bias=-0.5)
    net.add_neuron("nand", activation="step", bias=1.5)
    net.add_neuron("y", role="output", activation="step", bias=-1.5)
    net.add_neuron("s", role="output", activation="sign", bias=-0.25)
    for a, b, w in [("x1", "or", 1), ("x2", "or", 1), ("x1", "nand", -1), ("x2", "nand", -1),
                    ("or", "y", 1), ("nand", "y", 1), ("x1", "s", 1), ("x2", "s", -1)]:
        net.connect(a, b, w)
    return net


def random_dag(seed: int) -> Network:
    """A random feed-forward graph: any unit may feed any later unit, activations mixed."""
    rng = np.random.default_rng(seed)
    net = Network(f"random {seed}")
    n_in, n_other = int(rng.integers(1, 4)), int(rng.integers(2, 8))
    for i in range(n_in):
        net.add_neuron(f"x{i}", role="input")
    acts = ["linear", "sigmoid", "tanh", "relu", "gaussian", "softmax"]
    for j in range(n_other):
        net.add_neuron(f"u{j}", activation=str(rng.choice(acts)), bias=float(rng.normal()))
        if net.neuron(f"u{j}").activation == "gaussian":
            net.set_param(f"u{j}", "beta", float(rng.uniform(0.1, 2)))
    names = net.names
    for t in range(n_in, len(names)):
        for s in range(t):
            if s != t and net.neuron(names[s]).role != "output" and rng.random() < 0.5:
                net.connect(names[s], names[t], float(rng.normal()))
    return net


LAYERED = {
    "lecture": lambda: Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=0),
    "deep softmax": deep_softmax_net,
    "rbf": lambda: Network.rbf(2, 3, 1, beta=0.7, seed=1),
}
GENERAL = {"skip": skip_net, "gates": gates_net,
           **{f"random {s}": (lambda s=s: random_dag(s)) for s in range(8)}}
ALL = {**LAYERED, **GENERAL}


def probe(net: Network) -> np.ndarray:
    return np.random.default_rng(5).uniform(-2, 2, (16, len(net.inputs)))


# ---------------------------------------------------------------------- .npz
def perturbed(net: Network) -> Network:
    other = net.copy()
    other.set_weight_matrix(net.weight_matrix() + 1.0, net.bias_vector() - 1.0)
    return other


@pytest.mark.parametrize("make", [*ALL.values(), lambda: Network.hopfield(5, np.ones((5, 5)) -
                                                                            np.eye(5))])
def test_npz_round_trip_is_exact(tmp_path, make):
    net = make()
    path = tmp_path / "w.npz"
    export.save_weights_npz(net, path)
    arrays = export.load_weights_npz(path)
    other = perturbed(net)
    assert other != net
    export.apply_weights(other, arrays)
    assert other == net  # every weight and bias bit for bit
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_npz_holds_named_layer_matrices_readable_without_pickle(tmp_path):
    net = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    export.save_weights_npz(net, tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as data:
        assert data["layer1/weights"].shape == (2, 4) and data["layer2/weights"].shape == (4, 1)
        np.testing.assert_array_equal(data["layer1/weights"], net.compile().layers[0].weights)
        assert data["layer1/sources"].tolist() == ["x1", "x2"]
        assert data["layer2/targets"].tolist() == ["y"]
        assert data["neuron_names"].tolist() == net.names
        assert len(data["synapse_weights"]) == net.parameter_count


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    export.save_weights_npz(Network.layered([2, 1]), path)
    good = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError):
        export.save_weights_npz(Network.layered([3, 1]), path)
    assert path.read_bytes() == good
    assert list(tmp_path.iterdir()) == [path]


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def bad_files(tmp_path):
    good = export.weights_arrays(Network.layered([2, 1]))
    yield "missing", tmp_path / "nope.npz"
    (tmp_path / "empty.npz").write_bytes(b"")
    yield "empty", tmp_path / "empty.npz"
    (tmp_path / "text.npz").write_text("weights: 1, 2, 3")
    yield "text", tmp_path / "text.npz"
    (tmp_path / "half.npz").write_bytes((_npz(tmp_path / "g.npz", **good)).read_bytes()[:300])
    yield "truncated", tmp_path / "half.npz"
    np.save(tmp_path / "one.npy", np.ones(3))
    yield "npy", tmp_path / "one.npy"
    with zipfile.ZipFile(tmp_path / "zip.npz", "w") as z:
        z.writestr("readme.txt", "hello")
    yield "zip", tmp_path / "zip.npz"
    yield "foreign npz", _npz(tmp_path / "foreign.npz", a=np.ones(2))
    yield "pickled", _npz(tmp_path / "pickled.npz", **{**good, "neuron_names":
                                                         np.array([{"a": 1}], dtype=object)})
    yield "missing key", _npz(tmp_path / "nokey.npz", **{k: v for k, v in good.items()
                                                         if k != "synapse_weights"})
    yield "nan", _npz(tmp_path / "nan.npz", **{**good, "synapse_weights": np.array([np.nan, 1])})
    yield "lengths", _npz(tmp_path / "len.npz", **{**good, "neuron_biases": np.zeros(7)})
    yield "newer", _npz(tmp_path / "newer.npz", **{**good, "version": np.array(99)})


def test_bad_npz_files_raise_value_error_naming_the_file(tmp_path):
    seen = 0
    for what, path in bad_files(tmp_path):
        with pytest.raises(ValueError) as info:
            export.load_weights_npz(path)
        message = str(info.value)
        assert str(path) in message and "\n" not in message, (what, message)
        print(what, "->", message)
        seen += 1
    assert seen == 12


def test_applying_weights_to_another_topology_is_refused_and_changes_nothing(tmp_path):
    export.save_weights_npz(Network.layered([2, 3, 1], seed=0), tmp_path / "w.npz")
    arrays = export.load_weights_npz(tmp_path / "w.npz")
    for other in (Network.layered([2, 4, 1], seed=1), skip_net()):
        before = other.copy()
        with pytest.raises(ValueError, match="other (neurons|synapses)"):
            export.apply_weights(other, arrays)
        assert other == before
    missing = Network.layered([2, 3, 1], seed=1)
    missing.disconnect("x1", "h1_1")
    with pytest.raises(ValueError, match="x1 -> h1_1"):
        export.apply_weights(missing, arrays)


# ---------------------------------------------------------------------- code: refusals
def test_recurrent_and_inhibitory_networks_are_refused_with_the_reason():
    hop = Network.hopfield(4)
    veto = Network.layered([2, 1], "step")
    veto.set_kind("x2", "y", "inhibitory")
    for fn in (export.to_keras_code, export.to_pytorch_code):
        with pytest.raises(ValueError, match="loops"):
            fn(hop)
        with pytest.raises(ValueError, match="'x2' -> 'y' is inhibitory.*veto"):
            fn(veto)
        with pytest.raises(ValueError, match="at least one input"):
            fn(Network())


# ---------------------------------------------------------------------- code: valid Python
@pytest.mark.parametrize("name", ALL)
def test_generated_code_compiles(name):
    net = ALL[name]()
    for code in (export.to_keras_code(net), export.to_pytorch_code(net)):
        compile(code, f"<{name}>", "exec")
        assert "set_weights" in code or "copy_" in code


def test_layered_networks_become_sequential_models_and_others_masked_groups():
    for make in LAYERED.values():
        assert export.plan(make()).sequential
        assert "tf.keras.Sequential([" in export.to_keras_code(make())
        assert "nn.Sequential(" in export.to_pytorch_code(make())
    for make in GENERAL.values():
        assert not export.plan(make()).sequential
        assert "class Masked" in export.to_keras_code(make())
        assert "class DrawnNetwork" in export.to_pytorch_code(make())


def test_lecture_network_reads_like_the_lecture_snippet():
    code = export.to_keras_code(LAYERED["lecture"]())
    assert "tf.keras.layers.Input(shape=(2,))" in code
    assert 'tf.keras.layers.Dense(16, activation="relu")' in code
    assert 'tf.keras.layers.Dense(1, activation="sigmoid")' in code
    assert ('# model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])'
            in code)
    assert "# model.fit(x_train, y_train, epochs=10" in code
    assert 'loss="categorical_crossentropy"' in export.to_keras_code(deep_softmax_net())
    torch_code = export.to_pytorch_code(LAYERED["lecture"]())
    assert "nn.Linear(2, 16)" in torch_code and "nn.ReLU()" in torch_code
    assert "with torch.no_grad():" in torch_code and "loss.backward()" in torch_code


def test_odd_neuron_names_cannot_break_the_code():
    net = Network('quote """ and\nnewline')
    net.add_neuron('in """', role="input")
    net.add_neuron("out\n# x = 1/0", role="output", activation="tanh")
    net.connect(0, 1, 0.5)
    for code in (export.to_keras_code(net), export.to_pytorch_code(net)):
        compile(code, "<odd>", "exec")
        assert "\n# x = 1/0" not in code


# ---------------------------------------------------------------------- a fake TensorFlow
class FakeTF:
    """Just enough of tf / tf.keras, computing with NumPy, for the generated code to run.  The
    functional API runs each layer on a probe batch as it is called (so weights get their shapes,
    as in Keras) and records the graph; layers made are kept in `made` for structure checks."""

    def __init__(self):
        self.made, self.floatx = [], "float32"
        fake = self
        acts = {"linear": lambda z: z, "sigmoid": UNITS["sigmoid"].function,
                "tanh": np.tanh, "relu": UNITS["relu"].function,
                "softmax": lambda z: UNITS["softmax"].function(z, axis=-1)}

        class Sym:
            def __init__(self, probe, fn):
                self.probe, self.fn, self.shape = probe, fn, (None, *probe.shape[1:])

        class Layer:
            def __init__(self, name=None, **kwargs):
                assert not kwargs, kwargs
                self.name, self.built, self._weights = name, False, []
                fake.made.append(self)

            def add_weight(self, name=None, shape=None, **kwargs):
                w = np.zeros(tuple(int(s) for s in shape))
                self._weights.append(w)
                return w

            def build(self, input_shape):
                pass

            def __call__(self, x):
                if isinstance(x, list) and isinstance(x[0], Sym) or isinstance(x, Sym):
                    probe = [s.probe for s in x] if isinstance(x, list) else x.probe
                    ev = (lambda env: [s.fn(env) for s in x]) if isinstance(x, list) else x.fn
                    return Sym(self(probe), lambda env: self(ev(env)))
                if not self.built:
                    self.build([(None, *np.shape(t)[1:]) for t in x] if isinstance(x, list)
                               else (None, *np.shape(x)[1:]))
                    self.built = True
                return self.call(x)

            def set_weights(self, values):
                assert len(values) == len(self._weights), (self, len(values))
                for w, v in zip(self._weights, values):
                    assert w.shape == np.shape(v), (self.name, w.shape, np.shape(v))
                    w[...] = v

            def get_weights(self):
                return [w.copy() for w in self._weights]

        class Dense(Layer):
            def __init__(self, units, activation=None, **kwargs):
                super().__init__(**kwargs)
                self.units, self.activation = units, get(activation)

            def build(self, input_shape):
                self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
                self.bias = self.add_weight(name="bias", shape=(self.units,))

            def call(self, x):
                return self.activation(x @ self.kernel + self.bias)

        class Concatenate(Layer):
            def call(self, xs):
                return np.concatenate(xs, axis=1)

        def get(activation):
            return acts[activation or "linear"] if not callable(activation) else activation

        def Input(shape):
            return Sym(np.zeros((1, *shape)), lambda env: env)

        class Sequential:
            def __init__(self, layers):
                assert isinstance(layers[0], Sym), "Sequential starts with an Input"
                self.layers, x = layers[1:], layers[0]
                for layer in self.layers:
                    x = layer(x)

            def predict(self, x, verbose=1):
                for layer in self.layers:
                    x = layer(x)
                return x

        class Model:
            def __init__(self, inputs, outputs):
                self.inputs, self.outputs = inputs, outputs

            def get_layer(self, name):
                (layer,) = [m for m in fake.made if m.name == name]
                return layer

            def predict(self, x, verbose=1):
                return self.outputs.fn(np.asarray(x, dtype=float))

        def set_floatx(value):
            assert not fake.made, "floatx must be set before any layer is made"
            fake.floatx = value

        self.keras = types.SimpleNamespace(
            Sequential=Sequential, Model=Model, Input=Input,
            layers=types.SimpleNamespace(Input=Input, Dense=Dense, Layer=Layer,
                                         Concatenate=Concatenate),
            activations=types.SimpleNamespace(get=get),
            backend=types.SimpleNamespace(set_floatx=set_floatx))
        self.int32, self.float64 = np.int32, np.float64
        self.cast = lambda x, dtype: np.asarray(x).astype(dtype)
        self.where, self.ones_like, self.exp = np.where, np.ones_like, np.exp
        self.maximum, self.matmul = np.maximum, np.matmul
        self.gather = lambda a, idx, axis: np.take(a, np.asarray(idx, dtype=int), axis=axis)
        self.reduce_sum = lambda x, axis=None, keepdims=False: np.sum(x, axis=axis,
                                                                      keepdims=keepdims)
        self.constant = lambda v, dtype=None: np.asarray(v, dtype=dtype)


def run_keras(code: str, main: bool = False):
    fake = FakeTF()
    namespace = {"__name__": "__main__" if main else "exported"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(__import__("sys").modules, "tensorflow", fake)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<keras>", "exec"), namespace)
    return fake, namespace, out.getvalue()


@pytest.mark.parametrize("name", ALL)
def test_keras_code_on_a_fake_tf_reproduces_evaluate(name):
    net = ALL[name]()
    fake, ns, _ = run_keras(export.to_keras_code(net))
    assert fake.floatx == "float64"
    x = probe(net)
    np.testing.assert_allclose(ns["model"].predict(x, verbose=0), net.evaluate(x),
                               rtol=1e-12, atol=1e-12)


def test_keras_sequential_structure_on_the_fake_tf():
    net = deep_softmax_net()
    fake, ns, printed = run_keras(export.to_keras_code(net), main=True)
    layers = ns["model"].layers
    assert [(type(m).__name__, m.units) for m in layers] == [("Dense", 5), ("Dense", 4),
                                                              ("Dense", 3)]
    for layer, compiled in zip(layers, net.compile().layers):
        np.testing.assert_array_equal(layer.get_weights()[0], compiled.weights)
        np.testing.assert_array_equal(layer.get_weights()[1], compiled.biases)
    assert "largest difference from nnsim: 0.0" in printed or "e-1" in printed
    rbf_fake, rbf_ns, _ = run_keras(export.to_keras_code(LAYERED["rbf"]()))
    assert [type(m).__name__ for m in rbf_ns["model"].layers] == ["RBF", "Dense"]


def test_keras_functional_structure_on_the_fake_tf():
    fake, ns, _ = run_keras(export.to_keras_code(skip_net()))
    groups = [m for m in fake.made if type(m).__name__ == "Masked"]
    # const | h1_1 relu, h1_2 tanh, h1_3 gaussian | y1 sigmoid, y2 tanh: one layer per group
    assert [m.unit_activation if m.beta is None else "gaussian" for m in groups] == [
        "sigmoid", "relu", "tanh", "gaussian", "sigmoid", "tanh"]
    y1, y2 = groups[-2:]
    # columns: x1 x2 const h1_1 h1_2 h1_3; y1 reads x1 (a skip) and const, y2 lacks h1_1
    assert y1.sources.tolist() == [0, 2, 3, 4, 5] and y2.sources.tolist() == [4, 5]
    assert ns["model"].outputs.fn is not None and len(fake.made) == 6 + 6 + 1  # + Concatenates


# ---------------------------------------------------------------------- the frameworks, for real
torch_missing = importlib.util.find_spec("torch") is None
tf_missing = importlib.util.find_spec("tensorflow") is None


@pytest.mark.skipif(tf_missing, reason="TensorFlow is not installed; the Keras code is checked "
                    "against the fake tf above instead")
@pytest.mark.parametrize("name", ALL)
def test_keras_code_reproduces_evaluate_with_tensorflow(name):
    net = ALL[name]()
    ns = {"__name__": "exported"}
    exec(compile(export.to_keras_code(net), "<keras>", "exec"), ns)
    x = probe(net)
    np.testing.assert_allclose(ns["model"].predict(x, verbose=0), net.evaluate(x), rtol=0,
                               atol=1e-6)


@pytest.mark.skipif(torch_missing, reason="PyTorch is not installed (pip install torch==2.13.0 "
                    "for the CPU build) so the exported code cannot be run")
@pytest.mark.parametrize("name", ALL)
def test_pytorch_code_reproduces_evaluate(name):
    import torch

    net = ALL[name]()
    ns = {"__name__": "exported"}
    exec(compile(export.to_pytorch_code(net), "<torch>", "exec"), ns)
    x = probe(net)
    with torch.no_grad():
        y = ns["model"](torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(y, net.evaluate(x), rtol=0, atol=1e-6)
    assert np.max(np.abs(y - net.evaluate(x))) < 1e-12  # float64 all the way


@pytest.mark.skipif(torch_missing, reason="PyTorch is not installed")
def test_pytorch_masked_synapses_stay_absent_while_training():
    import torch

    ns = {"__name__": "exported"}
    exec(compile(export.to_pytorch_code(skip_net()), "<torch>", "exec"), ns)
    model = ns["model"]
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    x = torch.from_numpy(probe(skip_net()))
    model(x).pow(2).sum().backward()
    opt.step()
    y_group = model.groups[-1]
    assert torch.all((y_group.weight * y_group.mask)[y_group.mask == 0] == 0)
    assert y_group.weight.grad[y_group.mask == 0].abs().sum() == 0


@pytest.mark.skipif(torch_missing, reason="PyTorch is not installed")
def test_pytorch_script_runs_on_its_own_and_checks_itself(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "xor.py"
    script.write_text(export.to_pytorch_code(gates_net()))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "largest difference from nnsim: 0.0" in result.stdout


# ---------------------------------------------------------------------- one path for every unit
@pytest.mark.parametrize("bias", [0.7, -0.7, 0.0])
def test_a_gaussian_unit_without_synapses_gives_the_same_on_every_path(bias):
    """A gaussian unit computes y = exp(-beta * ||x - c||^2) over its incoming synapses and ignores
    its bias (units.py; the trainer masks that bias too).  With no synapse the squared distance is
    an empty sum, 0, so y = exp(-beta * 0) = 1 whatever the bias: not exp(-beta * bias), which
    evaluate() and the exported code once gave while run() gave 1."""
    from nnsim.engine.dynamics import RecurrentStepper
    from nnsim.engine.rules.gradients import Graph

    net = Network("lonely rbf")
    net.add_neuron("x", role="input", value=0.3)
    net.add_neuron("g", role="output", activation="gaussian", bias=bias)
    net.set_param("g", "beta", 2.0)
    by_hand = float(np.exp(-2.0 * 0.0))  # = 1.0
    x = np.array([[0.3], [-1.5]])

    assert net.evaluate({"x": 0.3})["g"] == by_hand
    np.testing.assert_array_equal(net.evaluate(x), [[by_hand], [by_hand]])
    np.testing.assert_array_equal(net.compile().forward(x), [[by_hand], [by_hand]])
    assert [step["g"] for step in net.run(2)] == [by_hand, by_hand]
    stepper = RecurrentStepper(net)
    y, _ = stepper.step(np.array([0.3, 0.0]))
    assert y[stepper.index["g"]] == by_hand
    compiled = net.compile()
    A = np.zeros((2, compiled.n_neurons))
    A[:, compiled.input_cols] = x
    Graph(compiled).forward(A)  # the backprop trainer's own forward pass
    np.testing.assert_array_equal(A[:, compiled.output_cols], [[by_hand], [by_hand]])

    fake, ns, printed = run_keras(export.to_keras_code(net), main=True)
    np.testing.assert_array_equal(ns["model"].predict(x, verbose=0), [[by_hand], [by_hand]])
    np.testing.assert_array_equal(ns["y_nnsim"], np.full_like(ns["y_nnsim"], by_hand))
    assert "largest difference from nnsim: 0.0" in printed
    if not torch_missing:
        import torch

        ns = {"__name__": "exported"}
        exec(compile(export.to_pytorch_code(net), "<torch>", "exec"), ns)
        with torch.no_grad():
            y = ns["model"](torch.from_numpy(x)).numpy()
        np.testing.assert_array_equal(y, [[by_hand], [by_hand]])
