"""Dataset generators, bitmap patterns and CSV loading: shapes, balance, seeds, geometry."""
import math

import numpy as np
import pytest

from nnsim.engine import datasets
from nnsim.engine.datasets import Dataset, DatasetFileError


# ---------------------------------------------------------------------- Dataset basics
def test_dataset_keeps_its_api():
    ds = Dataset([[0, 1], [1, 0]], [1, 0], name="t")
    assert ds.X.shape == (2, 2) and ds.targets.shape == (2, 1) and len(ds) == 2
    assert datasets.as_dataset((ds.X, ds.y)).n_features == 2
    with pytest.raises(ValueError, match="NaN"):
        Dataset([[np.nan]])


def test_one_hot():
    assert np.array_equal(datasets.one_hot([0, 2, 1]), np.eye(3)[[0, 2, 1]])
    assert datasets.one_hot([0, 1], k=4).shape == (2, 4)
    with pytest.raises(ValueError):
        datasets.one_hot([0.5, 1])


# ---------------------------------------------------------------------- truth tables
@pytest.mark.parametrize("gate, expected", [
    ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0]),
    ("nor", [1, 0, 0, 0]), ("xor", [0, 1, 1, 0]),
])
def test_truth_tables(gate, expected):
    ds = datasets.truth_table(gate)
    assert np.array_equal(ds.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert np.array_equal(ds.y, expected)
    bi = datasets.truth_table(gate.upper(), bipolar=True)
    assert np.array_equal(bi.X, 2 * ds.X - 1)
    assert np.array_equal(bi.y, 2 * np.array(expected) - 1)


def test_unknown_gate():
    with pytest.raises(ValueError, match="xor"):
        datasets.truth_table("implies")


# ---------------------------------------------------------------------- every generator
@pytest.mark.parametrize("name", sorted(datasets.GENERATORS))
def test_generator_is_seeded_and_shaped(name):
    gen = datasets.GENERATORS[name]
    declared = {p.name: p.default for p in gen.params}
    for p in gen.params:  # the declared defaults lie in the declared ranges
        if p.minimum is not None:
            assert p.minimum <= p.default <= p.maximum
        if p.choices:
            assert p.default in p.choices
    if "seed" not in declared:  # truth tables: fixed data
        assert name == "truth_table" and np.array_equal(gen().X, gen().X)
        return
    if gen.kind == "patterns":  # Hopfield patterns: X only, +1/-1
        assert gen().X.shape == (3, 64) and gen().y is None
        a, b, c = (gen(kind="random", p=4, n=30, seed=s) for s in (3, 3, 4))
        assert a.X.shape == (4, 30) and set(np.unique(a.X)) == {-1.0, 1.0}
        assert np.array_equal(a.X, b.X) and not np.array_equal(a.X, c.X)
        assert np.array_equal(gen(names="AB", size=16).X, datasets.bitmap_patterns("AB", 16))
        return
    a, b, c = gen(seed=3), gen(seed=3), gen(seed=4)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert a.X.shape[0] == a.y.shape[0] == declared["n"]
    assert a.X.shape[1] in (1, 2) and np.all(np.isfinite(a.X)) and a.name
    small = gen(n=10, seed=0)
    assert len(small) == 10


@pytest.mark.parametrize("name", ["linear_clouds", "xor_clouds", "circle", "two_spirals",
                                  "moons", "square", "polygon", "polygon_union"])
def test_binary_sets_are_balanced(name):
    ds = datasets.generate(name, n=200, seed=1)
    assert set(np.unique(ds.y)) == {0.0, 1.0}
    assert ds.y.sum() == 100


def test_generate_rejects_unknown_names_and_params():
    with pytest.raises(ValueError, match="unknown dataset"):
        datasets.generate("swirl")
    with pytest.raises(ValueError, match="no parameter"):
        datasets.generate("circle", wobble=1)


def test_linear_clouds_are_separable_even_with_big_noise():
    ds = datasets.linear_clouds(500, noise=2.0, seed=0, margin=0.1)
    d = ds.X.sum(1) / math.sqrt(2)
    assert np.all(np.where(ds.y == 1, d, -d) >= 0.1 - 1e-12)


def test_xor_clouds_labels_follow_the_quadrant():
    ds = datasets.xor_clouds(400, noise=0.1, seed=0)
    assert np.mean((ds.X[:, 0] * ds.X[:, 1] < 0) == (ds.y == 1)) == 1.0


def test_circle_labels_match_radius():
    ds = datasets.circle(400, seed=2, radius=0.6)
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert np.array_equal(r < 0.6, ds.y == 1)
    assert np.all(np.abs(ds.X) <= 1.0)


def test_square_membership():
    ds = datasets.square(400, seed=2, half_side=0.4)
    inside = (np.abs(ds.X[:, 0]) < 0.4) & (np.abs(ds.X[:, 1]) < 0.4)
    assert np.array_equal(inside, ds.y == 1)


def _inside_convex(points, vertices):
    """Independent check for convex counter-clockwise polygons: left of every edge."""
    v = np.asarray(vertices)
    ok = np.ones(len(points), dtype=bool)
    for a, b in zip(v, np.roll(v, -1, axis=0)):
        cross = (b[0] - a[0]) * (points[:, 1] - a[1]) - (b[1] - a[1]) * (points[:, 0] - a[0])
        ok &= cross > 0
    return ok


@pytest.mark.parametrize("sides", [3, 5, 6, 8])
def test_regular_polygon_membership(sides):
    ds = datasets.polygon(400, seed=sides, sides=sides, radius=0.8)
    v = datasets.regular_polygon(sides, 0.8, rotation=math.pi / 2)
    assert np.array_equal(_inside_convex(ds.X, v), ds.y == 1)


def test_union_of_two_polygons_membership():
    ds = datasets.polygon_union(600, seed=5)
    a, b = datasets.UNION_POLYGONS
    expected = _inside_convex(ds.X, a) | _inside_convex(ds.X, b)
    assert np.array_equal(expected, ds.y == 1)
    # both polygons hold positives: the union is not just one of them
    assert _inside_convex(ds.X, a).sum() > 50 and _inside_convex(ds.X, b).sum() > 50


def test_inside_polygon_handles_a_non_convex_shape():
    # an L shape: the notch at the top right is outside
    L = [(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)]
    pts = np.array([[0.5, 0.5], [1.5, 0.5], [0.5, 1.5], [1.5, 1.5], [2.5, 0.5]])
    assert datasets.inside_polygon(pts, L).tolist() == [True, True, True, False, False]


def test_spirals_arms_are_half_a_turn_apart():
    ds = datasets.two_spirals(400, seed=0, turns=1.0)
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    angle = np.arctan2(ds.X[:, 1], ds.X[:, 0])
    expected = 2 * math.pi * r + math.pi * ds.y
    assert np.allclose(np.cos(angle), np.cos(expected)) and r.max() <= 1.0


def test_moons_lie_on_their_half_circles():
    ds = datasets.moons(200, noise=0.0, seed=0)
    upper, lower = ds.X[ds.y == 0], ds.X[ds.y == 1]
    assert np.allclose(np.hypot(*upper.T), 1.0) and np.all(upper[:, 1] >= 0)
    assert np.allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)


def test_blobs_have_k_balanced_classes_near_their_centres():
    ds = datasets.blobs(300, k=4, noise=0.2, seed=0)
    assert np.array_equal(np.bincount(ds.y.astype(int)), [75] * 4)
    for j in range(4):
        centre = 2 * np.array([math.cos(j * math.pi / 2), math.sin(j * math.pi / 2)])
        assert np.linalg.norm(ds.X[ds.y == j].mean(0) - centre) < 0.1
    assert datasets.one_hot(ds.y, 4).sum(0).tolist() == [75] * 4


def test_pulse_is_one_only_between_t1_and_t2():
    ds = datasets.pulse(500, seed=0, t1=-0.3, t2=0.8)
    x = ds.X[:, 0]
    assert np.array_equal(ds.y == 1, (x >= -0.3) & (x <= 0.8))
    assert set(np.unique(ds.y)) == {0.0, 1.0} and np.all(np.diff(x) >= 0)
    noisy = datasets.pulse(500, noise=0.1, seed=0, t1=-0.3, t2=0.8)
    assert 0.08 < np.std(noisy.y - ds.y) < 0.12


def test_sine_and_piecewise_targets():
    s = datasets.sine(100, seed=0, periods=2)
    assert np.allclose(s.y, np.sin(s.X[:, 0])) and s.X.max() <= 4 * math.pi
    p = datasets.piecewise(300, seed=0)
    x = p.X[:, 0]
    assert np.allclose(p.y[x < -1], -1) and np.allclose(p.y[x >= 2], 1)
    assert np.allclose(datasets.piecewise_function([-1, 0, 1, 2]), [-1, 1, 0.5, 1])
    # continuous: no jump bigger than the slope allows between close points
    assert np.max(np.abs(np.diff(p.y)) / np.maximum(np.diff(x), 1e-9)) <= 2.0 + 1e-9


def test_cylinder_height_inside_the_disc():
    ds = datasets.cylinder(1000, seed=0, radius=0.5, height=2.0)
    inside = np.hypot(ds.X[:, 0], ds.X[:, 1]) < 0.5
    assert np.array_equal(ds.y, np.where(inside, 2.0, 0.0))
    assert abs(inside.mean() - math.pi * 0.25 / 4) < 0.03  # disc area / square area


# ---------------------------------------------------------------------- patterns
@pytest.mark.parametrize("size", [8, 16])
def test_bitmap_patterns(size):
    names = datasets.pattern_names(size)
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
        assert ch in names
    P = datasets.bitmap_patterns("HOP", size=size)
    assert P.shape == (3, size * size) and set(np.unique(P)) == {-1.0, 1.0}
    all_ = datasets.bitmap_patterns(size=size)
    assert len({row.tobytes() for row in all_}) == len(names)  # every glyph is distinct
    on = (all_ > 0).mean(1)
    assert np.all((on > 0.15) & (on < 0.6))  # legible strokes, neither empty nor solid


def test_bitmap_letters_look_right():
    a = datasets.bitmap_patterns(["I"], 8).reshape(8, 8) > 0
    assert a[:, 3:5].all(axis=1)[1:6].all()  # the stem of the I is in the middle columns
    o = datasets.bitmap_patterns(["O"], 8).reshape(8, 8) > 0
    assert not o[3:5, 3:5].any() and o[3:5, :2].any() and o[3:5, 6:].any()  # a hollow ring


def test_unknown_pattern_names_the_choices():
    with pytest.raises(ValueError, match="no 8x8 pattern named '!'"):
        datasets.bitmap_patterns("A!")


def test_random_patterns_and_flip():
    P = datasets.random_patterns(4, 1000, seed=1)
    assert P.shape == (4, 1000) and set(np.unique(P)) == {-1.0, 1.0}
    assert abs(P.mean()) < 0.05
    assert np.array_equal(P, datasets.random_patterns(4, 1000, seed=1))
    f = datasets.flip(P[0], 0.1, seed=2)
    assert np.sum(f != P[0]) == 100


# ---------------------------------------------------------------------- CSV
def test_load_csv_with_and_without_header(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,x2,label\n0,0,0\n0,1,1\n\n1,0,1\n1, 1 ,0\n")
    ds = datasets.load_csv(p)
    assert ds.X.shape == (4, 2) and ds.y.tolist() == [0, 1, 1, 0] and ds.name == "d"
    q = tmp_path / "e.csv"
    q.write_text("1.5,2e-1,3\n4,5,6\n")
    ds = datasets.load_csv(q)
    assert ds.X.tolist() == [[1.5, 0.2], [4, 5]] and ds.y.tolist() == [3, 6]
    assert datasets.load_csv(q, labels=False).X.shape == (2, 3)


@pytest.mark.parametrize("text, line, words", [
    ("a,b,y\n1,2,0\n3,4\n", 3, "expected 3 columns, found 2"),
    ("1,2,0\n3,x,1\n", 2, "column 2: 'x' is not a number"),
    ("1,2,0\n\n3,nan,1\n", 3, "column 2: nan is not finite"),
    ("1,2,0\n3,4,inf\n", 2, "column 3: inf is not finite"),
    ("", 1, "no data rows"),
    ("a,b,y\n", 1, "no data rows"),
    ("1\n2\n", 1, "at least one input column"),
])
def test_bad_csv_names_the_line(tmp_path, text, line, words):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(DatasetFileError) as err:
        datasets.load_csv(p)
    assert err.value.line == line and words in str(err.value)
    assert f"bad.csv, line {line}" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_missing_csv_is_a_dataset_file_error(tmp_path):
    with pytest.raises(DatasetFileError, match="cannot read"):
        datasets.load_csv(tmp_path / "nope.csv")


# ---------------------------------------------------------------------- CSV limits
def test_csv_caps_each_name_the_line(tmp_path, monkeypatch):
    from nnsim.engine import data_csv

    p = tmp_path / "big.csv"
    cases = [
        ("1,2,0\n3," + "4" * 131_073 + ",1\n", 2, "a cell longer than 131,072 characters"),
        ("1,2,0\n" + ",".join(["1"] * 1001) + "\n", 2, "1,001 columns; a CSV dataset has at most 1,000"),
        ("1,2,0\n" + "1," * 2001 + "1\n", 2, "more than 2,000 commas in a row"),
        ('1,2,0\n"' + "1,\n" * 2100 + '",1\n', 2002, "more than 2,000 commas in a row"),
        ("1,2,0\n" * 1_000_001, 1_000_001, "more than 1,000,000 lines"),
        ("\n" * 2_000_000, 1_000_001, "more than 1,000,000 lines"),
    ]
    for text, line, words in cases:
        p.write_text(text)
        with pytest.raises(DatasetFileError) as err:
            datasets.load_csv(p)
        assert err.value.line == line and words in str(err.value), (words, str(err.value)[:200])
        assert str(err.value).startswith(f"{p}, line {line}: ")
    monkeypatch.setattr(data_csv, "MAX_CELLS", 12)  # 4 rows of 3
    p.write_text("a,b,y\n" + "1,2,0\n" * 4)
    assert len(datasets.load_csv(p)) == 4
    p.write_text("a,b,y\n" + "1,2,0\n" * 4 + "\n5,6,1\n")
    with pytest.raises(DatasetFileError, match=r"line 7: more than 4 rows of 3 numbers; a CSV "
                                               r"dataset holds at most 12 numbers"):
        datasets.load_csv(p)
    monkeypatch.setattr(data_csv, "MAX_FILE_BYTES", 100)
    p.write_text("1,2,0\n" * 17)  # 102 bytes
    with pytest.raises(DatasetFileError, match=r"big.csv: is 102 bytes, over the limit of 100 bytes"):
        datasets.load_csv(p)


@pytest.mark.parametrize("content, rows", [
    (b"a,b,y\r1,2,0\r3,4,1\r", 2),  # old Mac line ends
    (b"1,2,0\r\n3,4,1\r\n", 2),
    (b"\xef\xbb\xbf1,2,0\n", 1),  # a BOM
    (b'"1","2","0"\n" 3\n",4,1\n', 2),  # quoted cells, one spanning two lines
    (b"1,2,0\n,,\n  ,\t, \n3,4,1\n", 2),  # blank rows of any width
])
def test_csv_line_ends_quotes_and_blank_rows(tmp_path, content, rows):
    p = tmp_path / "ok.csv"
    p.write_bytes(content)
    ds = datasets.load_csv(p)
    assert len(ds) == rows and ds.X[0].tolist() == [1, 2] and ds.y[0] == 0


@pytest.mark.parametrize("content, line, words", [
    (b"1,2,0\n3,4,1\n\xff\n", 3, "not UTF-8 text"),
    (b"1,2,0\n3,\x00,1\n", 2, "column 2: '\\x00' is not a number"),
    (b"1,2,0\n3,4," + b"9" * 400 + b"\n", 2, "column 3: 99999999"),
    (b"1,2,0\n3,4,1\n5,6,-Infinity\n", 3, "column 3: -Infinity is not finite"),
])
def test_bad_bytes_and_non_finite_cells_name_the_line(tmp_path, content, line, words):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(DatasetFileError) as err:
        datasets.load_csv(p)
    assert err.value.line == line and words in str(err.value), str(err.value)
