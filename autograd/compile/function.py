"""The source of a compiled function: the forward pass and the backward pass of one traced graph.

For `f(x, y) = sigmoid(x * y) + x` it reads:

    def compiled(x0, x1, leaves):
        # forward pass: each node from its operands, by its op's own forward function
        v1 = x0 * x1
        v2 = sigmoid(v1)
        v3 = v2 + x0
        # backward pass: dv is d(v3)/dv, the sum over v's consumers of dconsumer/dv * dconsumer
        dv3 = 1.0
        dx0 = dx1 = dv1 = dv2 = 0.0
        dv2 += dv3
        dx0 += dv3
        dv1 += v2 * (1.0 - v2) * dv2
        dx0 += x1 * dv1
        dx1 += x0 * dv1
        return v3, (dx0, dx1,), ()

The names are made here (x for the arguments, c for other leaves, v for the nodes): nothing of a
label or any other text from the caller is ever written into the code.
"""

from __future__ import annotations

from collections.abc import Iterable

from autograd.compile.expressions import Namespace
from autograd.compile.program import Writer, indented, receiving
from autograd.compile.trace import Trace
from autograd.value import Value

FUNCTION = "compiled"
LEAVES = "leaves"


def write_function(t: Trace) -> tuple[str, dict[str, object]]:
    """The source of `compiled(x0, ..., leaves)` for the trace, and the names it needs bound.

    It returns (value, gradients of the arguments, gradients of the other leaves): the caller
    adds the last ones into those leaves' `.grad`, as `backward()` would.
    """
    names: dict[Value, str] = {x: f"x{i}" for i, x in enumerate(t.inputs)}
    leaves = t.leaves
    names.update((leaf, f"c{i}") for i, leaf in enumerate(leaves))
    nodes = [node for node in t.order if node._op is not None]
    names.update((node, f"v{i}") for i, node in enumerate(nodes, start=1))
    namespace = Namespace(set(names.values()) | {FUNCTION, LEAVES}
                          | {f"d{name}" for name in names.values()})
    writer = Writer(names, namespace, lambda name: f"d{name}")
    arguments = [names[x] for x in t.inputs]

    lines = [f"def {FUNCTION}({', '.join([*arguments, LEAVES])}):"]
    body = [f"{names[leaf]} = {LEAVES}[{i}].data" for i, leaf in enumerate(leaves)]
    out = names[t.output]
    body.append("# forward pass: each node from its operands, by its op's own forward function")
    body += [writer.forward(node) for node in nodes]
    body.append(f"# backward pass: d{out[0]} is d({out})/d{out[0]}, the sum over {out[0]}'s "
                f"consumers of dconsumer/d{out[0]} * dconsumer")
    receives = receiving(t.order, set(t.inputs) | set(leaves))
    body.append(f"d{out} = 1.0")
    zeros = [writer.gradient(node) for node in t.order
             if node in receives and node is not t.output]
    zeros += [f"d{name}" for name in arguments if f"d{name}" not in zeros and
              f"d{name}" != f"d{out}"]
    body += chained_zeros(zeros)
    for node in reversed(nodes):
        if node in receives:
            body += writer.backward(node, receives)
    gradients = ", ".join(f"d{name}" for name in arguments)
    leaf_gradients = ", ".join(f"d{names[leaf]}" for leaf in leaves)
    body.append(f"return {out}, ({gradients},), ({leaf_gradients}{',' if leaves else ''})")
    lines += indented(body)
    return "\n".join(lines) + "\n", namespace.values


def chained_zeros(names: Iterable[str], width: int = 88) -> list[str]:
    """`a = b = c = 0.0`, as many names a line as fit in `width` characters."""
    lines: list[str] = []
    line: list[str] = []
    for name in names:
        if line and sum(len(n) + 3 for n in line) + len(name) > width:
            lines.append(" = ".join([*line, "0.0"]))
            line = []
        line.append(name)
    if line:
        lines.append(" = ".join([*line, "0.0"]))
    return lines


__all__ = ["FUNCTION", "chained_zeros", "write_function"]
