"""The file format: round trips, atomic saves, and refusal of every kind of bad file."""
import copy
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsim.engine import ACTIVATIONS, Network, NetworkFileError
from nnsim.engine import fileformat as ff
from nnsim.engine.fileformat import MAX_NEURONS, network_from_dict, network_to_dict

finite = st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e300,
                   max_value=1e300)


@st.composite
def networks(draw):
    net = Network(draw(st.text(max_size=10)))
    n = draw(st.integers(0, 8))
    names = draw(st.lists(st.text(min_size=1, max_size=8).filter(lambda s: s.strip() == s),
                          min_size=n, max_size=n, unique=True))
    for name in names:
        role = draw(st.sampled_from(["input", "hidden", "output"]))
        net.add_neuron(name, role=role, activation=draw(st.sampled_from(ACTIVATIONS)),
                       bias=draw(finite), x=draw(finite), y=draw(finite), value=draw(finite),
                       params=draw(st.dictionaries(st.text(max_size=5), finite, max_size=2)))
    ids = [nr.id for nr in net.neurons]
    targets = [nr.id for nr in net.neurons if nr.role != "input"]
    if ids and targets:
        pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(targets)),
                              unique=True, max_size=20))
        for a, b in pairs:
            net.connect(a, b, draw(finite), draw(st.sampled_from(["excitatory", "inhibitory"])))
    return net


@settings(max_examples=150, deadline=None)
@given(net=networks())
def test_save_then_load_returns_an_equal_network(tmp_path_factory, net):
    path = tmp_path_factory.mktemp("rt") / "net.json"
    net.save(path)
    loaded = Network.load(path)
    assert loaded == net
    assert [n.id for n in loaded.neurons] == [n.id for n in net.neurons]
    assert loaded.to_dict() == net.to_dict()


def test_file_is_versioned_json(tmp_path):
    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    path = tmp_path / "n.json"
    net.save(path)
    data = json.loads(path.read_text())
    assert data["format"] == "nnsim-network" and data["version"] == 2
    assert len(data["neurons"]) == 6 and len(data["synapses"]) == 9
    out = Network.load(path).evaluate(np.array([[0.3, -0.2]]))
    np.testing.assert_allclose(out, net.evaluate(np.array([[0.3, -0.2]])))


def test_save_is_atomic_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "work.json"
    original = Network.layered([2, 2, 1], "sigmoid", seed=0)
    original.save(path)
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        Network.layered([2, 5, 1], "relu", seed=1).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["work.json"]  # no temporary file left behind


def valid() -> dict:
    net = Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=0)
    net.set_param("h1_1", "beta", 2.0)
    return network_to_dict(net)


def set_path(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def delete_path(data, path):
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


HUGE = 10**400  # too large for a double: float() of it raises OverflowError
# Changes that always make the file invalid, each with the words its error must contain.
BAD_VALUES = {
    ("format",): ["nnsim", "xnnsim", None, 1, [], {}],
    ("version",): [0, 3, 99, "1", 1.0, None, True, [1], HUGE],
    ("name",): [1, None, [], {}, True],
    ("neurons",): [None, {}, "x", 3, True],
    ("synapses",): [None, {}, "x", 3, True],
    ("neurons", 0): [None, 1, "x", [], True],
    ("neurons", 0, "id"): [-1, 1.5, "0", None, [], True, HUGE, 2**53],
    ("neurons", 0, "name"): [None, 1, "", "   ", [], "x2"],
    ("neurons", 2, "role"): ["inputs", 1, None, "Output", []],
    ("neurons", 2, "activation"): ["swish", "Sigmoid", 1, None, [], "threshold"],
    ("neurons", 3, "bias"): ["1", None, [], {}, True, 1e400, HUGE, -HUGE],
    ("neurons", 3, "x"): ["1", None, [], True, -1e400, HUGE],
    ("neurons", 3, "y"): ["1", None, False, 1e400, -HUGE],
    ("neurons", 0, "value"): ["1", None, True, -1e400, HUGE],
    ("neurons", 3, "params"): [[], "x", 1, {"beta": "2"}, {"beta": None}, {"beta": True},
                               {"beta": HUGE}, {"beta": [1.0]}],
    ("synapses", 0): [None, 1, "x", []],
    ("synapses", 0, "source"): [99, -1, "x1", None, 1.5, True, HUGE],
    ("synapses", 0, "target"): [99, 0, "y", None, [], True, -HUGE],
    ("synapses", 0, "weight"): ["1", None, [], True, 1e999, HUGE, -HUGE],
    ("synapses", 0, "kind"): ["excite", 1, None, "Inhibitory"],
}
REQUIRED = [("format",), ("version",), ("neurons",), ("synapses",), ("neurons", 0, "id"),
            ("neurons", 1, "name"), ("synapses", 1, "source"), ("synapses", 2, "target"),
            ("synapses", 3, "weight")]


def malformed_texts(count: int, seed: int = 0):
    """`count` distinct malformed files: single bad fields, combinations, structural damage,
    NaN and Infinity literals, truncations, and binary junk."""
    rng = np.random.default_rng(seed)
    base = valid()
    text = json.dumps(base)
    cases = []
    for path, values in BAD_VALUES.items():
        for value in values:
            data = copy.deepcopy(base)
            set_path(data, list(path), value)
            cases.append(json.dumps(data, allow_nan=True))
    for path in REQUIRED:
        data = copy.deepcopy(base)
        delete_path(data, list(path))
        cases.append(json.dumps(data))
    for literal in ("NaN", "Infinity", "-Infinity"):
        cases.append(text.replace('"weight": ' + json.dumps(base["synapses"][0]["weight"]),
                                  f'"weight": {literal}', 1))
        cases.append(text.replace('"bias": 0.0', f'"bias": {literal}', 1))
    dup = copy.deepcopy(base)
    dup["neurons"][1]["name"] = dup["neurons"][0]["name"]
    cases.append(json.dumps(dup))
    dup_id = copy.deepcopy(base)
    dup_id["neurons"][1]["id"] = dup_id["neurons"][0]["id"]
    cases.append(json.dumps(dup_id))
    dup_syn = copy.deepcopy(base)
    dup_syn["synapses"].append(dict(dup_syn["synapses"][0]))
    cases.append(json.dumps(dup_syn))
    into_input = copy.deepcopy(base)
    into_input["synapses"][0]["target"] = 0
    cases.append(json.dumps(into_input))
    cases += ["", "null", "[]", "42", '"nnsim"', "{", "{}", "\x00\x01", "\ufeff{", "{" * 5000]
    # Random combinations of two or three bad fields.
    items = [(p, v) for p, vs in BAD_VALUES.items() for v in vs]
    while len(cases) < count * 0.6:
        data = copy.deepcopy(base)
        picks = rng.choice(len(items), size=rng.integers(2, 4), replace=False)
        for i in picks:
            path, value = items[i]
            try:
                set_path(data, list(path), value)
            except (TypeError, KeyError, IndexError):
                pass  # an earlier pick already replaced a parent with a non-container
        cases.append(json.dumps(data, allow_nan=True))
    # Truncations anywhere before the closing brace, and random bytes.
    while len(cases) < count * 0.9:
        cases.append(text[: int(rng.integers(0, len(text) - 1))])
    while len(cases) < count:
        cases.append(bytes(rng.integers(0, 256, size=int(rng.integers(1, 200)), dtype=np.uint8)))
    return cases


def test_more_than_a_thousand_malformed_files_each_raise_network_file_error(tmp_path):
    cases = malformed_texts(1100)
    assert len(cases) >= 1000
    path = tmp_path / "bad.json"
    for i, content in enumerate(cases):
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        try:
            Network.load(path)
        except NetworkFileError as exc:
            assert str(path) in str(exc), exc
            continue
        pytest.fail(f"case {i} loaded without error: {content!r:.200}")


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d.update(version=7), "version: unknown version 7"),
        (lambda d: d.update(format="other"), "not an nnsim file"),
        (lambda d: d["neurons"][2].update(activation="swish"),
         "neurons[2].activation: unknown value 'swish'"),
        (lambda d: d["synapses"][1].update(target=42), "synapses[1].target: no neuron with id 42"),
        (lambda d: d["neurons"][1].update(name="x1"), "neurons[1]: a neuron named 'x1' already exists"),
        (lambda d: d["neurons"][3].update(bias="high"), "neurons[3].bias: expected float, found str"),
        (lambda d: d["synapses"][0].update(weight=None), "synapses[0].weight: expected float"),
    ],
)
def test_errors_name_the_file_and_the_field(tmp_path, change, words):
    data = valid()
    change(data)
    path = tmp_path / "named.json"
    path.write_text(json.dumps(data))
    with pytest.raises(NetworkFileError) as info:
        Network.load(path)
    assert str(info.value).startswith(str(path))
    assert words in str(info.value)


def test_nan_and_infinity_literals_are_refused(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(valid()).replace('"bias": 0.0', '"bias": NaN', 1))
    with pytest.raises(NetworkFileError, match="not valid JSON.*NaN is not allowed"):
        Network.load(path)


def test_too_many_neurons_or_synapses_are_refused_without_building_them():
    data = valid()
    data["neurons"] = [{"id": i, "name": f"n{i}"} for i in range(MAX_NEURONS + 1)]
    with pytest.raises(NetworkFileError, match="50001 neurons is more than the 50000 allowed"):
        network_from_dict(data, "big.json")
    data = valid()
    data["synapses"] = [0] * 150_001
    with pytest.raises(NetworkFileError, match="150001 synapses is more than the 150000 allowed"):
        network_from_dict(data, "big.json")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(NetworkFileError, match="nope.json: cannot read"):
        Network.load(tmp_path / "nope.json")
    with pytest.raises(NetworkFileError, match="is a folder, not a file"):
        Network.load(tmp_path)  # a directory


def test_file_size_and_bracket_caps(tmp_path, monkeypatch):
    from nnsim.engine import fileformat

    path = tmp_path / "n.json"
    path.write_text(json.dumps({**valid(), "version": 1, "junk": [[]] * 1_000_000}))
    with pytest.raises(NetworkFileError, match=r"n.json: more than 1,000,000 JSON arrays and "
                                               r"objects \(1,000,0\d\d brackets\)"):
        Network.load(path)
    monkeypatch.setattr(fileformat, "MAX_FILE_BYTES", 1000)
    path.write_text(json.dumps(valid()))
    with pytest.raises(NetworkFileError, match=r"n.json: is \d KB, over the limit of 1000 bytes"):
        Network.load(path)


@pytest.mark.parametrize("change, words", [
    (lambda d: d["neurons"][0].update(id=2**53), "neurons[0].id: must be an integer from 0 to "
                                                 "9007199254740991, found 9007199254740992"),
    (lambda d: d["neurons"][0].update(id=10**30), "neurons[0].id: must be an integer from 0 to "
                                                  "9007199254740991, found a 31-digit integer"),
    (lambda d: d["neurons"][0].update(name="n" * 1001),
     "neurons[0].name: 1,001 characters is longer than the 1,000 allowed"),
    (lambda d: d.update(name="n" * 1001), "name: 1,001 characters is longer than the 1,000 allowed"),
    (lambda d: d["neurons"][2].update(params={f"p{i}": 1.0 for i in range(65)}),
     "neurons[2].params: 65 parameters is more than the 64 allowed"),
    (lambda d: d["neurons"][2].update(params={"beta": 10**400}),
     "neurons[2].params.beta: a 401-digit integer is too large"),
    (lambda d: d["neurons"][2].update(params={"beta": [1]}),
     "neurons[2].params.beta: expected a number, found a JSON array"),
    (lambda d: d["neurons"][2].update(params={"beta": False}),
     "neurons[2].params.beta: expected a number, found False"),
    (lambda d: d["neurons"][2].update(activation="s" * 5000),
     "neurons[2].activation: unknown value '" + "s" * 40 + "'... "
     "(5,000 characters); expected one of"),
    (lambda d: d.update(format="f" * 100_000), "not an nnsim file (format is 'ffff"),
])
def test_ranges_lengths_and_long_values_in_messages(tmp_path, change, words):
    data = valid()
    change(data)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(NetworkFileError) as info:
        Network.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and words in message, message
    assert len(message) < 400 + len(str(path))


# ---------------------------------------------------------------------- version 2: the setup
def test_a_document_round_trips_with_its_whole_setup(tmp_path):
    from nnsim.engine.fileformat import load_document, save_document
    from nnsim.engine.setup import Setup

    net = Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    points = {"X": np.array([[0.1, 0.2], [0.5, -0.3]]), "y": np.array([1.0, 0.0]),
              "name": "Drawn points", "source": "drawn"}
    setup = Setup(dataset=points, rule={"name": "backprop", "params": {"learning_rate": 0.3}},
                  stop={"epochs": 50, "target_loss": 0.01, "until_converged": False},
                  plots=("decision", "loss"), show_values=False)
    path = tmp_path / "doc.json"
    save_document(net, setup, path)
    data = json.loads(path.read_text())
    assert data["version"] == 2
    assert data["dataset"] == {"X": [[0.1, 0.2], [0.5, -0.3]], "y": [1.0, 0.0],
                               "name": "Drawn points", "source": "drawn"}
    assert data["rule"] == {"name": "backprop", "params": {"learning_rate": 0.3}}
    assert data["display"] == {"show_values": False}
    loaded, back = load_document(path)
    assert loaded == net
    assert back.dataset == data["dataset"] and back.rule == setup.rule
    assert back.stop == setup.stop and back.plots == ("decision", "loss")
    assert back.show_values is False
    generated = Setup(dataset={"generator": "moons", "params": {"n": 50, "noise": 0.2}})
    save_document(net, generated, path)
    assert load_document(path)[1].dataset == {"generator": "moons",
                                              "params": {"n": 50, "noise": 0.2}}


def test_a_version_1_file_still_loads_with_the_default_setup(tmp_path):
    from nnsim.engine.fileformat import load_document
    from nnsim.engine.setup import DEFAULT_DATASET, DEFAULT_STOP

    data = valid()
    data["version"] = 1
    data["something_from_an_old_build"] = 3  # version 1 ignored unknown fields
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    net, setup = load_document(path)
    assert net == network_from_dict(valid()) and len(net) == 5
    assert setup.dataset == DEFAULT_DATASET and setup.rule is None
    assert setup.stop == DEFAULT_STOP and setup.plots is None and setup.show_values
    assert Network.load(path) == net


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d.update(colour="red"), "colour: unknown field"),
        (lambda d: d.update(dataset={"generator": "spirals"}),
         "dataset.generator: unknown generator 'spirals'"),
        (lambda d: d.update(dataset={"generator": "moons", "params": {"radius": 2}}),
         "dataset.params.radius: generator 'moons' has no such parameter"),
        (lambda d: d.update(dataset={"generator": "moons", "params": {"n": -5}}),
         "dataset.params.n: expected a whole number from 4 to 100,000, found -5"),
        (lambda d: d.update(dataset={"generator": "truth_table", "params": {"gate": "maybe"}}),
         "dataset.params.gate: expected one of"),
        (lambda d: d.update(dataset={"X": [[0, 1]], "y": [1], "colour": 2}),
         "dataset.colour: unknown field"),
        (lambda d: d.update(dataset={"X": [[0, 1], [1]], "y": [1, 0]}),
         "dataset.X[1]: expected a row of 2 numbers like the first, found 1"),
        (lambda d: d.update(rule={"name": "magic"}), "rule.name: unknown rule 'magic'"),
        (lambda d: d.update(rule={"name": "perceptron", "params": {"learning_rate": -1}}),
         "rule.params.learning_rate: expected a number from 0 to 10, found -1"),
        (lambda d: d.update(rule={"name": "perceptron", "speed": 3}), "rule.speed: unknown field"),
        (lambda d: d.update(stop={"epochs": 0}),
         "stop.epochs: expected a whole number from 1 to 10,000,000, found 0"),
        (lambda d: d.update(stop={"patience": 3}), "stop: expected an object with keys among"),
        (lambda d: d.update(plots=["decision", "pie"]), "plots: expected a list of"),
        (lambda d: d.update(display={"show_values": "yes"}),
         "display.show_values: expected true or false"),
        (lambda d: d.update(display={"zoom": 2}), "display.zoom: unknown field"),
    ],
)
def test_unknown_or_invalid_setup_fields_are_named(tmp_path, change, words):
    from nnsim.engine.fileformat import load_document

    data = valid()
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(NetworkFileError) as info:
        load_document(path)
    assert str(info.value).startswith(str(path))
    assert words in str(info.value)


def test_a_document_too_large_for_its_format_is_written_compact_or_refused(tmp_path, monkeypatch):
    """What nnsim saves, it can load: indented while it fits in MAX_FILE_BYTES, compact when only
    that fits, and otherwise refused with the file named and the old file untouched."""
    net = Network("big")
    for i in range(40):
        net.add_neuron(f"n{i}", role="input" if i < 20 else "output", x=i * 1.5, y=-i * 2.25)
    for i in range(20):
        net.connect(f"n{i}", f"n{20 + i}", 0.123456789 * i)
    path = tmp_path / "big.json"
    indented = len(json.dumps(ff.network_to_dict(net), indent=1)) + 1
    compact = len(json.dumps(ff.network_to_dict(net), separators=(",", ":"))) + 1
    assert compact < indented - 1000
    monkeypatch.setattr(ff, "MAX_FILE_BYTES", indented - 1)
    ff.save_network(net, path)
    assert path.stat().st_size == compact and "\n " not in path.read_text()
    assert len(ff.load_network(path).synapses) == 20
    monkeypatch.setattr(ff, "MAX_FILE_BYTES", compact - 1)
    path.write_text("the user's old file")
    with pytest.raises(ff.SaveError) as err:
        ff.save_network(net, path)
    assert str(path) in str(err.value) and "MB a network file may hold" in str(err.value)
    assert path.read_text() == "the user's old file"
    assert [p.name for p in tmp_path.iterdir()] == ["big.json"]  # no temporary file left
