"""README's "Python API" block runs exactly as written and gives the numbers it claims."""
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def api_blocks() -> list[str]:
    text = README.read_text()
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def api_block() -> str:
    return api_blocks()[0]


def test_readme_api_block_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = api_block()
    assert 'net.evaluate({"x1": -1, "x2": 2})["y"]' in code
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)
    net = namespace["net"]
    assert net.evaluate({"x1": -1, "x2": 2})["y"] == pytest.approx(0.00247, abs=5e-6)
    assert (net.depth, net.parameter_count) == (1, 2)
    assert (tmp_path / "p.json").exists()
    hop = namespace["hop"]
    result = hop.settle(namespace["state"], mode="async", seed=0, max_sweeps=50)
    assert len(result.states) == len(result.energies) >= 2
    assert np.all(np.diff(result.energies) <= 0)


def test_readme_rules_block_runs_and_its_claims_hold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first, second = api_blocks()
    namespace: dict = {}
    exec(compile(first + second, str(README), "exec"), namespace)
    assert namespace["history"].accuracy[-1] == 1.0
    assert "converged" in second
    perceptron = namespace["perceptron"]
    from nnsim.engine import datasets, rules

    again = rules.Perceptron(learning_rate=0.5).train(perceptron, datasets.truth_table("xor"),
                                                       epochs=50)
    assert again.converged is False
