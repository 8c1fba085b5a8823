"""Hostile lessons (issue 12): every mutated lesson either loads and opens, or raises
LessonFileError naming the file, at load, within 2 CPU seconds and 500 MB, measured in a child
process under an address-space cap (tests/bounded.py).  "Opens" means every scene is built the way
the app opens it: its network, dataset, rule, start state, and a simulation stepped once with the
scene's input schedule and start state."""
from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path

import pytest

from nnsim.engine.lessons import (
    MAX_GENERATED_POINTS,
    MAX_HOPFIELD_UNITS,
    MAX_LESSON_BYTES,
    MAX_LESSON_NEURONS,
    MAX_SCENE_NEURONS,
    MAX_SCENES,
    LessonFileError,
    lessons_dir,
    load_lesson,
)
from tests.bounded import run_each

CPU_LIMIT = 2.0
MEMORY_MB = 500
SEED = 12
MUTANTS = 1200


def load_and_build(path: str) -> None:
    """Load a lesson and open each of its scenes as the app does (for run_each)."""
    from nnsim.engine.simulation import Simulation

    for scene in load_lesson(path).scenes:
        network = scene.network
        data = scene.make_dataset()
        scene.make_rule()
        start = scene.start_state(data)
        sim = Simulation(network)
        sim.set_schedule(list(scene.inputs))
        if start is not None:
            sim.set_state(start)
        sim.step(1)


def check(results: list[dict], paths: list) -> tuple[int, int]:
    """Assert each result is a success or a LessonFileError within the limits; (loaded, refused)."""
    bad = [(p, r) for p, r in zip(paths, results)
           if r["error"] not in (None, "LessonFileError") or r["cpu"] >= CPU_LIMIT
           or r["peak_mb"] >= MEMORY_MB]
    assert not bad, "\n".join(f"{p}: {r}" for p, r in bad[:10])
    for p, r in zip(paths, results):
        if r["error"]:
            assert r["message"].startswith(str(p)), r  # names the file
    refused = sum(r["error"] is not None for r in results)
    return len(results) - refused, refused


def real_lessons() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(lessons_dir().glob("*.json"))]


# ---------------------------------------------------------------------- mutations
HUGE = int("9" * 400)
VALUES = [None, True, False, 0, 1, -1, -3, 2, 64, 447, 448, 3000, 100_000, 10**9, 2**63, HUGE, -HUGE,
          0.5, 1.5, -0.0, 1e9, 1e308, -1e308, 4.9e-324, "", "abc", "many", "64", "hopfield",
          "layered", [], [1], [1, "a"], [[1, 2], [3]], [2, 1e9], {}, {"a": 1}, {"builder": "x"}]


def nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def pick(rng: random.Random):
    r = rng.random()
    if r < 0.04:
        return nested(rng.choice([40, 70, 300]))
    if r < 0.06:
        return {"a": nested(50)}
    return copy.deepcopy(rng.choice(VALUES))


def builder_spec(rng: random.Random) -> dict:
    sizes = [1, 2, 3, 10, 100, 386, 387, 388, 500, 1000, 2999, 3000, 3001, 20_000, 10**9, HUGE, 0, -1,
             2.0, 2.5, "2", None]
    name = rng.choice(["hopfield", "layered", "rbf", "magic", None, 3])
    spec: dict = {"builder": name}
    if name == "hopfield" or rng.random() < 0.1:
        spec["n"] = rng.choice(sizes)
        if rng.random() < 0.2:
            n = spec["n"] if isinstance(spec["n"], int) and 0 < spec["n"] < 20 else 3
            spec["weights"] = rng.choice([[[0.0] * n for _ in range(n)], [[0, 1], [2, 0]], "w", HUGE])
    if name == "layered" or rng.random() < 0.1:
        spec["sizes"] = [rng.choice(sizes) for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 25]))]
        if rng.random() < 0.3:
            spec["activations"] = rng.choice(["tanh", "swish", ["relu"], ["relu", "sigmoid"], 5])
        if rng.random() < 0.2:
            spec["init"] = rng.choice(["zeros", "magic", None])
    if name == "rbf" or rng.random() < 0.1:
        for key in ("n_inputs", "n_centers", "n_outputs"):
            if rng.random() < 0.8:
                spec[key] = rng.choice(sizes)
        if rng.random() < 0.3:
            spec["beta"] = rng.choice([0, -1, 2.0, 1e7, HUGE, "b"])
    if rng.random() < 0.3:
        spec["seed"] = rng.choice([0, -1, 2**31, HUGE, None, 1.5])
    if rng.random() < 0.1:
        spec["size"] = 3  # an argument no builder takes
    return spec


def generator_spec(rng: random.Random) -> dict:
    from nnsim.engine.datasets import GENERATORS

    name = rng.choice(list(GENERATORS) + ["spirals", None])
    params: dict = {}
    gen = GENERATORS.get(name) if isinstance(name, str) else None
    for p in gen.params if gen else []:
        if rng.random() < 0.5:
            continue
        if p.choices:
            params[p.name] = rng.choice(list(p.choices) + ["nope", 1])
        elif p.type is bool:
            params[p.name] = rng.choice([True, False, 0, "yes"])
        elif p.type is str:  # the patterns' names
            params[p.name] = rng.choice(["HOT", "A", "", "AB?", "HOT" * 30, "0123456789", 7])
        else:
            lo, hi = p.minimum, p.maximum
            params[p.name] = rng.choice([lo, hi, lo - 1, hi + 1, (lo + hi) / 2, HUGE, -HUGE, "many",
                                         None, [1]])
    if rng.random() < 0.1:
        params["wobble"] = 1
    return {"generator": name, "params": params} if rng.random() < 0.95 else {"generator": name,
                                                                              "params": [1]}


def rule_spec(rng: random.Random) -> dict:
    from nnsim.engine.rules import RULES

    name = rng.choice(list(RULES) + ["magic", 5])
    params = {}
    for p in getattr(RULES.get(name), "parameters", ()) if isinstance(name, str) else ():
        if rng.random() < 0.5:
            params[p.name] = rng.choice([p.default, p.minimum, p.maximum, -1, HUGE, "x", None, [1],
                                         *(p.choices or ())])
    return {"name": name, "params": params}


def mutate_scene(scene: dict, rng: random.Random) -> None:
    field = rng.choice(["network", "network", "dataset", "dataset", "rule", "run", "start", "stop",
                        "inputs", "plots", "title", "notes", "extra"])
    r = rng.random()
    if field == "network":
        scene["network"] = builder_spec(rng) if r < 0.8 else pick(rng)
        if rng.random() < 0.7:  # else a start or clamps that do not fit refuse most builders
            scene.pop("start", None)
            scene.pop("inputs", None)
    elif field == "dataset":
        if r < 0.7:
            scene["dataset"] = generator_spec(rng)
        elif r < 0.85 and isinstance(scene.get("dataset"), dict) and "X" in scene["dataset"]:
            rows = scene["dataset"]["X"]
            if rows and isinstance(rows[0], list) and rows[0]:
                rows[rng.randrange(len(rows))][0] = pick(rng)
        else:
            scene["dataset"] = pick(rng)
    elif field == "rule":
        scene["rule"] = rule_spec(rng) if r < 0.7 else pick(rng)
    elif field == "run":
        scene["run"] = rng.choice([pick(rng), {"steps": pick(rng)}, {"steps_per_frame": pick(rng)},
                                   {"steps": 5, "speed": 2}])
    elif field == "start":
        scene["start"] = rng.choice([pick(rng), {"pattern": pick(rng)},
                                     {"pattern": 0, "noise": pick(rng)},
                                     {"pattern": 0, "noise": 0.2, "seed": pick(rng)},
                                     {"pattern": rng.choice([0, 1, 2, 99, -1]), "noise": 0.1}])
    elif field == "stop":
        scene["stop"] = rng.choice([pick(rng), {"epochs": pick(rng)}, {"target_loss": pick(rng)},
                                    {"until_converged": pick(rng)}])
    elif field == "inputs":
        scene["inputs"] = rng.choice([pick(rng), [{"x1": pick(rng)}], [{"s0": 1}], [{"nobody": 1}],
                                      [pick(rng)]])
    elif field == "extra":
        scene[rng.choice(["colour", "speed"])] = 1
    else:
        scene[field] = pick(rng)


def mutate(lesson: dict, rng: random.Random) -> dict:
    for _ in range(rng.choice([1, 1, 2, 3])):
        r = rng.random()
        scenes = lesson.get("scenes")
        if r < 0.7 and isinstance(scenes, list) and scenes and isinstance(scenes[0], dict):
            scene = rng.choice(scenes)
            if isinstance(scene, dict):
                if rng.random() < 0.15 and scene:
                    del scene[rng.choice(list(scene))]  # a deletion
                else:
                    mutate_scene(scene, rng)
        elif r < 0.8 and lesson:
            del lesson[rng.choice(list(lesson))]
        elif r < 0.9:
            lesson[rng.choice(["format", "version", "number", "title", "try", "scenes", "colour"])] = \
                pick(rng)
        elif isinstance(scenes, list):
            scenes.extend(copy.deepcopy(scenes) * rng.choice([1, 3]))  # more scenes, same budget
    return lesson


def write_mutants(tmp_path: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lessons = real_lessons()
    paths = []
    for i in range(count):
        mutant = mutate(copy.deepcopy(rng.choice(lessons)), rng)
        path = tmp_path / f"m{i:04d}.json"
        path.write_text(json.dumps(mutant))
        paths.append(str(path))
    return paths


# ---------------------------------------------------------------------- tests
def test_a_thousand_mutated_lessons_load_and_open_or_raise_lesson_file_error_in_bounds(tmp_path):
    paths = write_mutants(tmp_path, MUTANTS, SEED)
    # Deep nesting the JSON parser itself must refuse, written as text.
    for k, text in enumerate(["[" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
                              '{"format": "nnsim-lesson", "version": 1, "title": "t", "scenes": '
                              + "[" * 5000 + "]" * 5000 + "}"]):
        path = tmp_path / f"deep{k}.json"
        path.write_text(text)
        paths.append(str(path))
    results = run_each("tests.engine.test_lesson_fuzz:load_and_build", paths, memory_mb=MEMORY_MB)
    loaded, refused = check(results, paths)
    worst_cpu = max(r["cpu"] for r in results)
    worst_mb = max(r["peak_mb"] for r in results)
    print(f"{len(paths)} lessons: {loaded} opened, {refused} refused; worst {worst_cpu:.2f} CPU s, "
          f"+{worst_mb:.0f} MB")
    assert loaded >= 100 and refused >= len(paths) // 2  # the fuzz reaches both outcomes


def _lesson(*scenes: dict) -> dict:
    return {"format": "nnsim-lesson", "version": 1, "title": "at the limits", "scenes": list(scenes)}


def _layered_file_network(sizes: list[int]) -> dict:
    from nnsim.engine import Network
    from nnsim.engine.fileformat import network_to_dict

    return network_to_dict(Network.layered(sizes))


def largest_lessons() -> dict[str, dict]:
    """Lessons at (or just under) every limit at once: each must load and open in bounds."""
    n = MAX_HOPFIELD_UNITS
    hopfield = {"network": {"builder": "hopfield", "n": n},
                "dataset": {"generator": "patterns", "params": {"kind": "random", "p": 1000, "n": n}},
                "rule": {"name": "hopfield", "params": {"method": "hebbian"}},
                "start": {"pattern": 999, "noise": 1.0, "seed": 2**31 - 1}}
    half = (MAX_GENERATED_POINTS - 1000) // 2  # beside the 1000 patterns
    regions = [{"network": {"builder": "layered", "sizes": [2, 1]},
                "dataset": {"generator": g, "params": {"n": half, "noise": 2.0, "seed": 1, key: lo}}}
               for g, key, lo in (("square", "half_side", 0.1), ("circle", "radius", 0.1))]
    wide = {"network": {"builder": "layered", "sizes": [MAX_SCENE_NEURONS - 2, 1, 1]},
            "inputs": [{"x1": 1.0, "x2": -1.0}] * 1000}
    in_file = {"network": _layered_file_network([MAX_SCENE_NEURONS - 14, 12, 2])}  # 3.2 MB
    many = [{"network": {"builder": "layered", "sizes": [2, 1]},
             "dataset": {"generator": "moons", "params": {"n": MAX_GENERATED_POINTS // MAX_SCENES}},
             "rule": {"name": "backprop", "params": {}}, "run": {"steps": 10**7}}] * MAX_SCENES
    rows = (MAX_LESSON_BYTES - 1000) // len("[0.5,-0.25],")
    points = {"network": {"builder": "layered", "sizes": [2, 1]},
              "dataset": {"X": [[0.5, -0.25]] * rows, "y": None}}
    return {
        "the largest hopfield network, 1000 patterns": _lesson(hopfield, *regions),
        "every neuron": _lesson(*[wide] * (MAX_LESSON_NEURONS // MAX_SCENE_NEURONS), *regions),
        "a network in the file": _lesson(in_file, *regions, hopfield | {"network": {
            "builder": "hopfield", "n": 300}, "dataset": {"generator": "patterns", "params": {
                "kind": "random", "p": 1000, "n": 300}}}),
        "a hundred scenes": _lesson(*many),
        "4 MB of points": _lesson(points),
    }


def test_the_largest_allowed_lessons_open_within_2_cpu_seconds_and_500_mb(tmp_path):
    paths = []
    for name, lesson in largest_lessons().items():
        path = tmp_path / (name.replace(" ", "_").replace(",", "") + ".json")
        path.write_text(json.dumps(lesson, separators=(",", ":")))
        assert path.stat().st_size <= MAX_LESSON_BYTES
        paths.append(str(path))
    # One child each, so each memory peak is the lesson's own.
    results = [run_each("tests.engine.test_lesson_fuzz:load_and_build", [path], memory_mb=MEMORY_MB)[0]
               for path in paths]
    for path, r in zip(paths, results):
        print(f"{Path(path).stem}: {r['cpu']:.2f} CPU s, +{r['peak_mb']:.0f} MB")
        assert r["error"] is None, r  # allowed: it opens
    assert check(results, paths) == (len(paths), 0)


def test_one_step_past_each_limit_is_refused_at_load_naming_the_field(tmp_path):
    from nnsim.engine.lessons import lesson_from_dict

    n = MAX_HOPFIELD_UNITS
    cases = [
        (_lesson({"network": {"builder": "hopfield", "n": n + 1}}), r"scenes\[0\].network.n: .*1 to 387"),
        (_lesson({"network": {"builder": "layered", "sizes": [MAX_SCENE_NEURONS, 1]}}),
         r"scenes\[0\].network: this network would have 3,001 neurons"),
        (_lesson(*[{"network": {"builder": "hopfield", "n": 300}}] * 2),
         r"scenes\[1\].network: with this scene, the networks of the lesson have 179,400 synapses"),
        (_lesson(*[{"network": {"builder": "layered", "sizes": [2999, 1]}}] * 7),
         r"scenes\[6\].network: .* 21,000 neurons in all, more than the 20,000"),
        (_lesson(*[{"network": {"builder": "layered", "sizes": [2, 1]},
                    "dataset": {"generator": "moons", "params": {"n": 60_000}}}] * 2),
         r"scenes\[1\].dataset: .* 120,000 points in all, more than the 100,000 a lesson may generate"),
        (_lesson(*[{"network": {"builder": "hopfield", "n": 1}}] * (MAX_SCENES + 1)),
         r"scenes: expected a non-empty list of at most 100 scenes, found 101"),
        (_lesson({"network": _layered_file_network([2999, 2])}),
         r"scenes\[0\].network.neurons: 3,001 neurons is more than the 3,000"),
    ]
    for data, words in cases:
        with pytest.raises(LessonFileError, match="^big.json: " + words):
            lesson_from_dict(data, "big.json", "big")


# ---------------------------------------------------------------------- special files
def special_files(tmp_path: Path) -> list[str]:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    random_ = tmp_path / "random.json"
    random_.symlink_to("/dev/urandom")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(MAX_LESSON_BYTES + 1)  # sparse: over the limit without writing it
    missing = tmp_path / "missing.json"
    return [str(p) for p in (fifo, zero, random_, folder, big, missing)]


def test_special_files_raise_lesson_file_error_at_once(tmp_path):
    paths = special_files(tmp_path)
    results = run_each("nnsim.engine.lessons:load_lesson", paths, memory_mb=MEMORY_MB, timeout=120)
    check(results, paths)
    words = ["is a pipe (FIFO), not a file", "is a device, not a file", "is a device, not a file",
             "is a folder, not a file", "is 4.0 MB, over the limit of 4.0 MB", "cannot read"]
    for path, r, said in zip(paths, results, words):
        assert r["error"] == "LessonFileError" and said in r["message"], (path, r)
        assert r["cpu"] < 0.5 and r["peak_mb"] < 50


def test_ordering_the_lessons_reads_special_files_safely(tmp_path):
    """The app orders lessons by the number in their files before loading them."""
    paths = special_files(tmp_path)
    results = run_each("nnsim.engine.lessons:lesson_number", paths, memory_mb=MEMORY_MB, timeout=120)
    assert [r["error"] for r in results] == [None] * len(paths)
    assert max(r["cpu"] for r in results) < 0.5
    from nnsim.engine.lessons import lesson_number

    numbers = [lesson_number(p) for p in sorted(lessons_dir().glob("*.json"))]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 22


def test_a_lesson_that_is_not_json_or_not_text_is_a_lesson_file_error(tmp_path):
    for name, content in [("binary.json", b"\xff\xfe\x00garbage"), ("half.json", b'{"format": '),
                          ("nan.json", b'{"format": "nnsim-lesson", "version": NaN}')]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(LessonFileError, match=f"^{path}: "):
            load_lesson(path)
