"""Backpropagation written out: the code `nn.compile_step` generates, beside the four equations.

`compile_step` runs one training step once on Values, keeps the graph, and writes it out as plain
Python: the forward pass, then the backward pass, one line per term of the chain rule. For a
network of sigmoid neurons those lines are the four equations of the third seed, with numbers:

    (1) delta_L = dC/da_L * sigmoid'(z_L)                  the output layer
    (2) delta_l = (W_{l+1}^T delta_{l+1}) * sigmoid'(z_l)  one layer back
    (3) dC/db_l = delta_l
    (4) dC/dW_l[j][k] = delta_l[j] * a_{l-1}[k]

with sigmoid'(z) = a (1 - a). The names follow the notation: z2_0 is z[2][0], dC_dz2_0 is delta2[0],
W2_0_1 is W[2][0][1]. Nobody wrote these lines; the rules of the ops did (autograd/rules.py).

Then the same network with bce, the notes' loss for sigmoid outputs, where (1) collapses to
delta_L = (a - t)/m: bce reads a sigmoid's output from its logit, ln a = ln sigmoid(z), so the
code never forms dC/da2 and delta2 comes straight out of the loss's own lines.

Run: python examples/compiled_backprop.py
"""

from __future__ import annotations

import re

from nn import MLP, SGD, compile_step, train_step
from nn.manual import backprop

X = [[0.6, -0.4], [-0.2, 0.9]]  # two samples of a0 = x
Y = [[1.0, 0.0], [0.0, 1.0]]  # and their targets t
model = MLP(2, [3, 2], seed=4)  # 2 -> 3 -> 2, sigmoid everywhere
twin = MLP(2, [3, 2], seed=4)

# The gradients by hand first (nn.manual: the four equations, averaged over the two samples).
weight_grads, bias_grads = backprop(model, X, Y, loss="half_mse")

step = compile_step(model, "half_mse", SGD(model.parameters(), lr=0.5))
outputs, C = step(X, Y)  # one step: the code is written now, then run
print(f"compile_step wrote {step.source.count(chr(10))} lines of Python for {model}")
print("and half_mse, C = 1/(2m) sum (a - t)^2. Its backward pass, for one sample of the two")
print("(each `if` skips lines that would add exactly 0: a gradient of 0, all numbers finite):\n")

NOTES = [  # (a line of the generated code, what it computes: the loss, then the four equations)
    (r"dC_dv\d+ = seed", "dC/d(a sample's term) = 1/(2m) = 0.25, from C = (1/(2m)) sum"),
    (r"dC_dv\d+ \+= v", "term = v * v, v = a2 - t: d(v v)/dv = v + v"),
    (r"dC_da2_\d+ \+=", "so dC/da2 = (a2 - t)/m"),
    (r"dC_dz2_\d+ \+=", "(1) delta2 = dC/da2 * sigmoid'(z2), sigmoid'(z) = a (1 - a)"),
    (r"dC_dz1_\d+ \+=", "(2) delta1 = (W2^T delta2) * sigmoid'(z1)"),
    (r"dC_da1_\d+ \+=", "(2) W2^T delta2: each neuron of layer 2 adds its share"),
    (r"dC_db\d_\d+ \+=", "(3) dC/db = delta"),
    (r"dC_dW\d_\d+_\d+ \+=", "(4) dC/dW[j][k] = delta[j] a_prev[k]"),
]
code = step.source.splitlines()
loop = code.index(next(line for line in code if "in reversed(saved)" in line))
shown: set[str] = set()
for line in code[loop + 1:]:
    if not line.startswith("        "):  # the end of the loop over the samples
        break
    text = line[8:]
    note = next((note for pattern, note in NOTES if re.match(pattern, text.strip())), "")
    if note in shown and note.startswith("("):
        note = note[:3]  # the equation's number, once it has been written out
    elif note in shown:
        note = ""
    shown.add(note)
    print(f"  {text:<50}{'  | ' + note if note else ''}".rstrip())

# The numbers: the compiled step, the hand-derived equations and the engine agree.
by_hand = [g for wl, bl in zip(weight_grads, bias_grads) for row, b in zip(wl, bl)
           for g in (*row, b)]
compiled = [p.grad for p in model.parameters()]
train_step(twin, "half_mse", SGD(twin.parameters(), lr=0.5), X, Y)
engine = [p.grad for p in twin.parameters()]
worst_hand = max(abs(a - b) for a, b in zip(compiled, by_hand))
worst_engine = max(abs(a - b) for a, b in zip(compiled, engine))
print(f"\nloss C = {C:.6f}. The 17 gradients of the compiled step differ from the four "
      f"equations\n(nn.manual) by at most {worst_hand:.1e}, and from train_step's backward() by "
      f"{worst_engine:.1e}.")
assert worst_hand < 1e-15 and worst_engine == 0.0
assert [p.data for p in model.parameters()] == [p.data for p in twin.parameters()]

# bce: the loss of one output, forward and backward, as the code computes it for each sample.
bce_model, bce_twin = MLP(2, [3, 2], seed=4), MLP(2, [3, 2], seed=4)
bce_step = compile_step(bce_model, "bce", SGD(bce_model.parameters(), lr=0.5))
bce_outputs, _ = bce_step(X, Y)
code = [line.strip() for line in bce_step.source.splitlines()]
start = code.index("# the loss of this sample")
involved = {"z2_0", "t_0"}  # the first output's logit and target, and what is made from them
forward_lines = []
for line in code[start + 1:]:
    if not re.match(r"v\d+ = ", line):
        break
    name, expression = line.split(" = ", 1)
    if involved & set(re.findall(r"\w+", expression)):
        involved.add(name)
        forward_lines.append(line)
print("\nwith bce (C = -(1/m) sum [t ln a + (1 - t) ln(1 - a)]), the first output's loss:")
print("\n".join("  " + line for line in forward_lines))
back = code.index("# the loss of this sample", start + 1)
print("and backward, each line passing a share of dC/dv on:")
for line in code[back + 1:]:
    if line.startswith("# layer"):
        break
    names = set(re.findall(r"dC_d(\w+)", line))
    if names and names <= involved:
        print("  " + line)
term = forward_lines[-1].split(" = ")[0]  # t ln a + (1 - t) ln(1 - a), one of the sum's terms
print(f"With dC_d{term} = -1/m from C = -(1/m) sum, that is dC/dz2[0] = -(1/m) [t sigmoid(-z) - "
      "(1 - t) sigmoid(z)]\n= (a2[0] - t)/m, equation (1) for bce; dC_da2_0 appears nowhere.")

train_step(bce_twin, "bce", SGD(bce_twin.parameters(), lr=0.5), X, Y)
expected_b2 = [sum((a[j] - t[j]) / len(X) for a, t in zip(bce_outputs, Y)) for j in range(2)]
compiled_b2 = [n.b.grad for n in bce_model.layers[1].neurons]
print(f"dC/db2 = sum over the batch of (a2 - t)/m = {[round(g, 6) for g in expected_b2]}\n"
      f"the compiled step's dC/db2 = {[round(g, 6) for g in compiled_b2]}, and train_step's "
      "gradients are the same to the last bit.")
assert "dC_da2_0" not in bce_step.source
assert all(abs(g - e) < 1e-15 for g, e in zip(compiled_b2, expected_b2))
assert [p.grad for p in bce_model.parameters()] == [p.grad for p in bce_twin.parameters()]
