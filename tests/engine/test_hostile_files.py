"""Hostile files for the network, CSV and weights loaders (issue 12): special files (a FIFO, links
to /dev/zero and /dev/urandom, a folder), integers too large for a double in every numeric field,
a seeded fuzz of more than 1,000 mutated CSV files, the network-file fuzz, lying .npz archives,
and files at the caps.  Each input either loads or raises only the loader's documented error
naming the file, within 2 CPU seconds and 500 MB, measured in a child process under an
address-space cap (tests/bounded.py)."""
from __future__ import annotations

import io
import json
import os
import random
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnsim.engine import Network
from nnsim.engine.data_csv import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_LINES
from nnsim.engine.fileformat import MAX_FILE_BYTES, MAX_NEURONS, MAX_SYNAPSES, network_to_dict
from tests.bounded import run_each

CPU_LIMIT = 2.0
MEMORY_MB = 500
LOADERS = {  # loader -> its documented error
    "nnsim.engine.fileformat:load_document": "NetworkFileError",
    "nnsim.engine.fileformat:load_network": "NetworkFileError",
    "nnsim.engine.data_csv:load_csv": "DatasetFileError",
    "nnsim.engine.weights_file:load_weights_npz": "WeightsFileError",
}


def check(target: str, paths: list, must_fail: bool = False, words: list[str] | None = None
          ) -> list[dict]:
    """Run the loader on each path in a bounded child; assert each loads (unless must_fail) or
    raises the documented error whose message starts with the path (and holds words[i]), within
    the CPU and memory limits, never MemoryError."""
    results = run_each(target, [str(p) for p in paths], memory_mb=MEMORY_MB)
    allowed = (LOADERS[target],) if must_fail else (None, LOADERS[target])
    bad = [(p, r) for p, r in zip(paths, results)
           if r["error"] not in allowed or r["cpu"] >= CPU_LIMIT or r["peak_mb"] >= MEMORY_MB]
    assert not bad, "\n".join(f"{str(p)[-60:]}: {r}" for p, r in bad[:10])
    for i, (p, r) in enumerate(zip(paths, results)):
        if r["error"]:
            assert r["message"].startswith(str(p)), r
            assert "\n" not in r["message"], r
            if words is not None:
                assert words[i] in r["message"], (words[i], r["message"])
    return results


# ---------------------------------------------------------------------- special files
@pytest.fixture
def special_files(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    urandom = tmp_path / "random.json"
    urandom.symlink_to("/dev/urandom")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    return {fifo: "is a pipe (FIFO), not a file", zero: "is a device, not a file",
            urandom: "is a device, not a file", folder: "is a folder, not a file",
            Path("/dev/zero"): "is a device, not a file"}


@pytest.mark.parametrize("target", sorted(LOADERS))
def test_special_files_raise_the_documented_error_at_once(special_files, target):
    check(target, list(special_files), must_fail=True, words=list(special_files.values()))


# ---------------------------------------------------------------------- huge integers
HUGE = "9" * 400  # float() of it raises OverflowError

NUMERIC_FIELDS = [  # (path into a valid document, words the error names)
    (("version",), "version: expected an integer"),
    (("neurons", 0, "id"), "neurons[0].id: a 400-digit integer is too large"),
    (("neurons", 2, "bias"), "neurons[2].bias: a 400-digit integer is too large"),
    (("neurons", 2, "x"), "neurons[2].x: a 400-digit integer is too large"),
    (("neurons", 2, "y"), "neurons[2].y: a 400-digit integer is too large"),
    (("neurons", 0, "value"), "neurons[0].value: a 400-digit integer is too large"),
    (("neurons", 2, "params", "beta"), "neurons[2].params.beta: a 400-digit integer is too large"),
    (("synapses", 1, "source"), "synapses[1].source: a 400-digit integer is too large"),
    (("synapses", 1, "target"), "synapses[1].target: a 400-digit integer is too large"),
    (("synapses", 1, "weight"), "synapses[1].weight: a 400-digit integer is too large"),
    (("dataset", "params", "n"), "dataset.params.n"),
    (("dataset", "params", "noise"), "dataset.params.noise"),
    (("dataset", "params", "seed"), "dataset.params.seed"),
    (("rule", "params", "learning_rate"), "rule.params"),
    (("stop", "epochs"), "stop.epochs"),
    (("stop", "target_loss"), "stop.target_loss"),
    (("dataset_points", "X", 1, 0), "dataset"),
    (("dataset_points", "y", 1), "dataset"),
]


def valid_document() -> dict:
    net = Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=0)
    net.set_param("h1_1", "beta", 2.0)
    return {**network_to_dict(net),
            "dataset": {"generator": "moons", "params": {"n": 50, "noise": 0.1, "seed": 0}},
            "rule": {"name": "backprop", "params": {"learning_rate": 0.5}},
            "stop": {"epochs": 10, "target_loss": 0.1, "until_converged": True}}


def with_huge(path: tuple, sign: str = "") -> str:
    data = valid_document()
    if path[0] == "dataset_points":
        data["dataset"] = {"X": [[0.0, 1.0], [1.0, 0.0]], "y": [0.0, 1.0]}
        path = ("dataset", *path[1:])
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "@HUGE@"
    return json.dumps(data).replace('"@HUGE@"', sign + HUGE)


def test_an_integer_too_large_for_a_double_in_any_field_is_named(tmp_path):
    paths, words = [], []
    for i, (field, named) in enumerate(NUMERIC_FIELDS):
        for sign in ("", "-"):
            p = tmp_path / f"huge{i}{sign}.json"
            p.write_text(with_huge(field, sign))
            paths.append(p)
            words.append(named)
    for target in ("nnsim.engine.fileformat:load_document", "nnsim.engine.fileformat:load_network"):
        if target.endswith("load_network"):  # the network alone: its own fields only
            keep = [k for k, (f, _) in enumerate(NUMERIC_FIELDS) for _ in "01"
                    if f[0] in ("version", "neurons", "synapses")]
            check(target, [paths[k] for k in keep], must_fail=True, words=[words[k] for k in keep])
        else:
            check(target, paths, must_fail=True, words=words)
    # beyond Python's 4,300-digit limit for int(): still the field, not "not valid JSON"
    p = tmp_path / "longer.json"
    p.write_text(with_huge(("neurons", 2, "bias")).replace(HUGE, "9" * 5000))
    check("nnsim.engine.fileformat:load_document", [p], must_fail=True,
          words=["neurons[2].bias: a 5000-digit integer is too large"])


# ---------------------------------------------------------------------- the network-file fuzz
def test_the_malformed_network_files_stay_within_the_limits(tmp_path):
    """The in-process fuzz of test_fileformat (1,100 files), plus structural bombs, bounded."""
    from tests.engine.test_fileformat import malformed_texts

    cases = malformed_texts(1100, seed=12)
    head = '{"format": "nnsim-network", "version": 1, "neurons": [], "synapses": [], "junk": '
    cases += [
        head + "[" + "[]," * 2_000_000 + "0]}",  # 2 M arrays: refused unparsed
        head + "[" * 100_000 + "]" * 100_000 + "}",  # nesting
        head + '"' + "x" * 15_000_000 + '"}',  # one long string
        head + "[" + '"ab",' * 3_000_000 + "0]}",  # millions of short strings
        head + "[" + "10," * 5_000_000 + "0]}",  # millions of integers
        head + "[" + ("9" * 308 + ",") * 50_000 + "0]}",  # long digit runs that still fit
        "\ufeff" + head + "0}",
        head.replace("1,", "2,") + "0}",
    ]
    paths = []
    for i, content in enumerate(cases):
        p = tmp_path / f"net{i}.json"
        if isinstance(content, str):
            p.write_text(content, encoding="utf-8")
        else:
            p.write_bytes(content)
        paths.append(p)
    results = check("nnsim.engine.fileformat:load_document", paths)
    assert all(r["error"] for r in results[:1100])  # each of them is malformed
    assert [r["error"] is None for r in results[1100:]] == \
        [False, False, True, True, True, True, True, False]  # version 1 ignores the junk
    assert "more than 1,000,000 JSON arrays" in results[1100]["message"]
    assert "nested too deeply" in results[1101]["message"]
    assert "colour" not in results[-1]["message"] and "junk: unknown field" in results[-1]["message"]


# ---------------------------------------------------------------------- the CSV fuzz
def base_csv(rng: random.Random) -> list[list[str]]:
    rows = [["x1", "x2", "label"]] if rng.random() < 0.5 else []
    for _ in range(rng.randint(1, 30)):
        rows.append([f"{rng.uniform(-5, 5):.6g}", f"{rng.uniform(-5, 5):.6g}", str(rng.randint(0, 1))])
    return rows


def mutate_csv(rng: random.Random, rows: list[list[str]]) -> bytes:
    """One of many kinds of damage, applied 1 to 3 times, to a small valid CSV."""
    text = "\n".join(",".join(r) for r in rows) + "\n"
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(17)
        lines = text.split("\n")
        k = rng.randrange(len(lines))
        if kind == 0:  # random bytes anywhere
            raw = text.encode("utf-8", "surrogatepass")
            at = rng.randrange(len(raw) + 1)
            junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
            return raw[:at] + junk + raw[at:]
        if kind == 1:  # a huge cell, over or just at csv's limit
            size = rng.choice([MAX_CELL_CHARS + 1, MAX_CELL_CHARS, 200_000])
            lines[k] = rng.choice(["9", "x", "1.5e"]) * size + "," + lines[k]
        elif kind == 2:  # many columns
            lines[k] = ",".join(["1"] * rng.choice([MAX_COLUMNS, MAX_COLUMNS + 1, 2_500]))
        elif kind == 3:  # many rows (rarely: they cost seconds of CPU to write and read)
            count = rng.choice([50_000, MAX_LINES - len(lines) + 1, MAX_LINES + 10]) \
                if rng.random() < 0.05 else rng.randint(100, 5_000)
            lines += ["0.5,-1,1"] * count
        elif kind == 4:  # not a number
            lines[k] = lines[k].replace(rng.choice("0123456789"), rng.choice(["a", "--", "1e", "0x1"]))
        elif kind == 5:  # NaN, infinity, an overflowing exponent
            lines[k] = f"{rng.choice(['nan', 'NaN', 'inf', '-Infinity', '1e400', '9' * 400])},1,0"
        elif kind == 6:  # byte order marks
            text = rng.choice(["\ufeff", "\ufeff\ufeff", ""]) + text.replace(",", ",\ufeff", 1)
            continue
        elif kind == 7:  # embedded NULs
            lines[k] = lines[k].replace(",", "\x00,", 1) if rng.random() < 0.5 else "\x00" * 50
        elif kind == 8:  # quotes: unbalanced, doubled, spanning lines
            lines[k] = rng.choice(['"', '""', '"1,2', 'a"b', '"\n"']) + lines[k]
        elif kind == 9:  # truncated
            text = text[: rng.randrange(len(text) + 1)]
            continue
        elif kind == 10:  # other line ends
            text = text.replace("\n", rng.choice(["\r", "\r\n", "\u2028", "\x0c"]))
            continue
        elif kind == 11:  # ragged rows
            lines[k] += ",1" * rng.randint(1, 3)
        elif kind == 12:  # blank rows of any width
            lines.insert(k, rng.choice(["", ",,", " , ", "\t"]))
        elif kind == 13:  # other delimiters and whitespace
            lines[k] = lines[k].replace(",", rng.choice([";", "\t", " ", ", "]))
        elif kind == 14:  # non-ASCII digits and astral characters
            lines[k] = rng.choice(["١٢,٣,1", "😀,1,0", "½,1,0", "１,２,0"])
        elif kind == 15:  # a quoted cell spanning many lines of commas
            lines[k] = '"' + "1,\n" * rng.choice([10, 2_500]) + '",1,0'
        else:  # one very long line of short cells
            lines[k] = "12," * rng.choice([3_000, 1_000_000]) + "1"
        text = "\n".join(lines)
    return text.encode("utf-8", "surrogatepass")


def test_more_than_a_thousand_mutated_csv_files_load_or_raise_dataset_file_error(tmp_path):
    rng = random.Random(12)
    paths = []
    for i in range(1100):
        p = tmp_path / f"d{i}.csv"
        p.write_bytes(mutate_csv(rng, base_csv(rng)))
        paths.append(p)
    results = check("nnsim.engine.data_csv:load_csv", paths)
    refused = sum(r["error"] is not None for r in results)
    assert 400 < refused < 1100, refused  # both kinds of outcome are exercised
    messages = " ".join(r["message"] or "" for r in results)
    for words in ("a cell longer than 131,072 characters", "columns; a CSV dataset has at most 1,000",
                  "is not a number", "is not finite", "not UTF-8 text", "commas in a row"):
        assert words in messages, words


# ---------------------------------------------------------------------- lying .npz files
def npz_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def good_arrays() -> dict:
    from nnsim.engine.weights_file import weights_arrays

    return weights_arrays(Network.layered([2, 2, 1], seed=0))


def npy_header(shape: tuple, descr: str = "<f8") -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def bomb(claimed_shape: tuple, data_bytes: int, compress: bool) -> bytes:
    """An .npz whose 'neuron_biases' header claims `claimed_shape` but holds data_bytes of zeros."""
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        for key, value in good_arrays().items():
            if key != "neuron_biases":
                inner = io.BytesIO()
                np.save(inner, value)
                z.writestr(key + ".npy", inner.getvalue())
        z.writestr("neuron_biases.npy", npy_header(claimed_shape) + b"\0" * data_bytes)
    return buf.getvalue()


def test_lying_and_hostile_weights_files_raise_weights_file_error(tmp_path):
    good = good_arrays()
    cases = {
        "header claims 10^12 values": (bomb((10**12,), 8, False), "header claims"),
        "header claims 2^40 values, deflated": (bomb((2**40,), 64, True), "header claims"),
        "unpacks to 1 GB": (bomb((2**27,), 2**30, True), "unpack to"),
        "pickled": (npz_bytes(**{**good, "neuron_names": np.array([{"a": 1}], dtype=object)}),
                    "Python objects"),
        "zero-size strings": (npz_bytes(**{**good, "neuron_names": np.zeros(10**6, dtype="U0")}),
                              "neuron_names"),
        "many arrays": (npz_bytes(**{f"a{i}": np.zeros(1) for i in range(10_001)}), "10,001 arrays"),
        "version an array": (npz_bytes(**{**good, "version": np.array([1, 2])}), "version"),
        "version a string": (npz_bytes(**{**good, "version": np.array("1")}), "version"),
        "version huge": (npz_bytes(**{**good, "version": np.array(2**62)}), "newer nnsim"),
        "format an array": (npz_bytes(**{**good, "format": np.array(["nnsim-weights"] * 2)}),
                            "not an nnsim weights file"),
        "truncated": (npz_bytes(**good)[:300], "not a readable nnsim weights file"),
        "PK then junk": (b"PK" + bytes(range(256)) * 40, "not a readable nnsim weights file"),
        "a text entry": (b"", "not a readable nnsim weights file"),
        "an npy": (b"\x93NUMPY" + b"\0" * 100, "a single NumPy array"),
        "a pickle": (b"\x80\x04\x95" + b"\0" * 100, "not an .npz file"),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    cases["a text entry"] = (buf.getvalue(), cases["a text entry"][1])
    paths, words = [], []
    for i, (_, (content, named)) in enumerate(cases.items()):
        p = tmp_path / f"w{i}.npz"
        p.write_bytes(content)
        paths.append(p)
        words.append(named)
    big = tmp_path / "big.npz"
    with open(big, "wb") as fh:  # over the 64 MB file limit: refused before reading
        fh.truncate(64 * 1024 * 1024 + 1)
    paths.append(big)
    words.append("over the limit of 64.0 MB")
    check("nnsim.engine.weights_file:load_weights_npz", paths, must_fail=True, words=words)


# ---------------------------------------------------------------------- files at the caps
def test_files_at_the_caps_load_within_the_limits(tmp_path):
    """The largest files the caps allow: a network of 50,000 neurons and 150,000 synapses, CSVs
    of 1,000,000 numbers in short lines, of 1,000 columns, of 1,000,000 lines mostly blank, of
    quoted cells."""
    rng = np.random.default_rng(0)
    n_in = 500
    neurons = [{"id": i, "name": f"n{i}", "role": "input" if i < n_in else "hidden"}
               for i in range(MAX_NEURONS)]
    synapses = [{"source": k % n_in, "target": n_in + k // n_in, "weight": float(w)}
                for k, w in enumerate(rng.normal(size=MAX_SYNAPSES))]
    net = tmp_path / "max.json"
    net.write_text(json.dumps({"format": "nnsim-network", "version": 2, "neurons": neurons,
                               "synapses": synapses}, separators=(",", ":")))
    assert net.stat().st_size < MAX_FILE_BYTES
    check("nnsim.engine.fileformat:load_document", [net])
    csvs = {
        "short.csv": "0,1\n" * (MAX_CELLS // 2),
        "wide.csv": ("0," * (MAX_COLUMNS - 1) + "1\n") * (MAX_CELLS // MAX_COLUMNS),
        "blank.csv": "1,2\n" + ",,,,,,,,,,,,,,,,,,,,\n" * (MAX_LINES - 2),
        "quoted.csv": '"1.25","2","3","4","5"\n' * (MAX_CELLS // 5),
    }
    paths = []
    for name, text in csvs.items():
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    results = check("nnsim.engine.data_csv:load_csv", paths)
    assert [r["error"] for r in results] == [None] * 4
