"""Graph facts over neuron ids: strongly connected components, layers, depth, topological order.

One algorithm serves feed-forward and recurrent graphs alike: cycles are collapsed into their
strongly connected components (the condensation, a DAG), and layers and depth are longest paths in
that DAG.  For a feed-forward graph every component is a single neuron, so this is the ordinary
definition; for a recurrent one, a loop counts as one stage (a Hopfield network has depth 0).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence


def strongly_connected_components(
    nodes: Sequence[int], edges: Iterable[tuple[int, int]]
) -> list[list[int]]:
    """Tarjan's algorithm, iterative (no recursion limit), components in reverse topological order."""
    succ: dict[int, list[int]] = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            children = succ[node]
            while i < len(children):
                child = children[i]
                i += 1
                if child not in index:
                    work.append((node, i))
                    work.append((child, 0))
                    recurse = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if recurse:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def layer_numbers(nodes: Sequence[int], edges: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Layer of each node: the number of synapses on the longest path reaching it from a source
    of the condensation (edges inside one strongly connected component do not count)."""
    components = strongly_connected_components(nodes, edges)
    comp_of = {n: ci for ci, comp in enumerate(components) for n in comp}
    preds: dict[int, set[int]] = {ci: set() for ci in range(len(components))}
    for a, b in edges:
        ca, cb = comp_of[a], comp_of[b]
        if ca != cb:
            preds[cb].add(ca)
    # Tarjan returns components in reverse topological order: walk it backwards.
    level: dict[int, int] = {}
    for ci in range(len(components) - 1, -1, -1):
        level[ci] = max((level[p] + 1 for p in preds[ci]), default=0)
    return {n: level[comp_of[n]] for n in nodes}


def has_cycle(nodes: Sequence[int], edges: Sequence[tuple[int, int]]) -> bool:
    if any(a == b for a, b in edges):
        return True
    return any(len(c) > 1 for c in strongly_connected_components(nodes, edges))


def depth(nodes: Sequence[int], edges: Sequence[tuple[int, int]]) -> int:
    layers = layer_numbers(nodes, edges)
    return max(layers.values(), default=0)
