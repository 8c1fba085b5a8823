"""New neurons are named by role, as the lecture writes them: x1, x2, ... h1, ... y, y2."""
from __future__ import annotations

import pytest
from test_canvas import click, make_view  # noqa: F401 - make_view is a fixture

from nnsim.app.canvas.tools import name_for_role
from nnsim.engine.network import Network


@pytest.mark.parametrize("taken, role, name", [
    ((), "input", "x1"), (("x1",), "input", "x2"), (("x2",), "input", "x1"),
    (("x1", "x2", "x3"), "input", "x4"), ((), "hidden", "h1"), (("h1", "x1"), "hidden", "h2"),
    ((), "output", "y"), (("y",), "output", "y2"), (("y", "y2"), "output", "y3"),
    (("y2",), "output", "y"),
])
def test_first_free_name_for_the_role(taken, role, name):
    assert name_for_role(set(taken), role) == name


def test_the_neuron_tool_names_what_it_adds_by_role(make_view):  # noqa: F811
    doc, view = make_view()
    view.set_tool("neuron")
    for role, xy in (("input", (0, -60)), ("input", (0, 60)), ("hidden", (150, -60)),
                     ("hidden", (150, 60)), ("output", (300, 0)), ("output", (300, 120))):
        view.new_neuron_role = role
        click(view, xy)
    assert doc.network.names == ["x1", "x2", "h1", "h2", "y", "y2"]
    assert view.selected_names() == ["y2"]


def test_a_freed_name_is_used_again(make_view):  # noqa: F811
    net = Network()
    net.add_neuron("x2", role="input", x=0, y=60)
    doc, view = make_view(net)
    view.set_tool("neuron")
    view.new_neuron_role = "input"
    click(view, (0, -60))
    click(view, (0, -180))
    assert sorted(doc.network.names) == ["x1", "x2", "x3"]
