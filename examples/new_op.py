"""Adding an op of your own: sin and cos, two lines, then every part of chainrule knows them.

An op is its forward pass and its local derivative, side by side, the way the built-in ones are
written in autograd/rules.py. The derivative is written with the other op (d sin/dx = cos x), so
the same line gives a number when the op runs and a graph when a derivative is differentiated
again. The ops then work in backward(), grad of grad, the diagrams, the step-through page and
compiled code. Run it with `python examples/new_op.py`; the pictures land in out/new_op/.
"""

from __future__ import annotations

import math
from pathlib import Path

from autograd import Value, compile, define_op, draw_svg, grad, step_through, value_and_grad

OUT = Path(__file__).resolve().parent.parent / "out" / "new_op"

# 1. The two lines: name, forward pass on floats, local derivatives (one per operand).
sin = define_op("sin", math.sin, lambda x, out: (cos(x),))
cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))

# 2. backward() through them, in a small graph: y = sin(x * w) + cos(x).
x, w = Value(0.7, "x"), Value(1.5, "w")
y = sin(x * w) + cos(x)
y.label = "y"
y.backward()
by_hand = math.cos(0.7 * 1.5) * 1.5 - math.sin(0.7)  # dy/dx = cos(xw) w - sin x
print(f"y = sin(x w) + cos(x) = {y.data:.6f}")
print(f"dy/dx: backward() {x.grad:.12f}, by hand {by_hand:.12f}")
assert abs(x.grad - by_hand) < 1e-12

# 3. Pictures: the graph (no graphviz program needed), and backward step by step in a browser.
OUT.mkdir(parents=True, exist_ok=True)
(OUT / "graph.svg").write_text(draw_svg(y, show_local=True), encoding="utf-8")
page = step_through(y).save(OUT / "step_through.html")
print(f"wrote {OUT / 'graph.svg'} and {page}: the sin and cos nodes draw like any other")

# 4. Derivatives of derivatives: the third derivative of sin is -cos.
third = grad(grad(grad(lambda v: sin(v))))(0.7)
print(f"d3/dx3 sin(x) at 0.7: grad(grad(grad(sin))) {third:.12f}, -cos(0.7) {-math.cos(0.7):.12f}")
assert abs(third + math.cos(0.7)) < 1e-12

# 5. Compiled: traced once, run as straight-line Python that calls sin's and cos's own functions.
compiled = compile(lambda x, w: sin(x * w) + cos(x), 0.7, 1.5)
value, (dy_dx, dy_dw) = compiled(0.2, -0.4)
print(f"compiled, at x = 0.2, w = -0.4: dy/dx = {dy_dx:.12f}, dy/dw = {dy_dw:.12f}")
assert (value, (dy_dx, dy_dw)) == value_and_grad(lambda x, w: sin(x * w) + cos(x))(0.2, -0.4)
print(compiled.source)
