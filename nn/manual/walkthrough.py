"""The first seed's walkthrough: one sigmoid neuron with half-MSE, one chain-rule factor at a time.

    z = w a_prev + b        a = sigmoid(z)        E = 1/2 (a - T)^2

    dE/dw = dE/da * da/dz * dz/dw = (a - T) * a (1 - a) * a_prev
"""

# The names are the notation: E, T, dE_da, ...
# ruff: noqa: N803, N806, N815

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from autograd import sigmoid


@dataclass(frozen=True)
class NeuronWalkthrough:
    """One sigmoid neuron with E = 1/2 (a - T)^2, differentiated one chain-rule factor at a time.

    z = Σ_k w_k a_prev[k] + b,  a = sigmoid(z);
    dE/da = a - T,  da/dz = a(1 - a),  dz/dw_k = a_prev[k],  dz/db = 1;
    dE/dw_k = dE/da * da/dz * dz/dw_k  and  dE/db = dE/da * da/dz * dz/db.
    """

    z: float
    a: float
    E: float
    dE_da: float
    da_dz: float
    dz_dw: tuple[float, ...]
    dz_db: float
    dE_dw: tuple[float, ...]
    dE_db: float


def single_neuron(
    w: Sequence[float], b: float, a_prev: Sequence[float], T: float
) -> NeuronWalkthrough:
    """The three factors of the chain rule for one sigmoid neuron and their products."""
    if len(w) != len(a_prev):
        raise ValueError(f"single_neuron: {len(w)} weights but {len(a_prev)} inputs a_prev")
    z = b + sum(w_k * x_k for w_k, x_k in zip(w, a_prev))
    a = sigmoid(z)
    dE_da = a - T
    da_dz = a * (1.0 - a)
    dz_dw = tuple(float(x_k) for x_k in a_prev)
    dz_db = 1.0
    return NeuronWalkthrough(
        z=z,
        a=a,
        E=0.5 * (a - T) ** 2,
        dE_da=dE_da,
        da_dz=da_dz,
        dz_dw=dz_dw,
        dz_db=dz_db,
        dE_dw=tuple(dE_da * da_dz * x_k for x_k in dz_dw),
        dE_db=dE_da * da_dz * dz_db,
    )


__all__ = ["NeuronWalkthrough", "single_neuron"]
