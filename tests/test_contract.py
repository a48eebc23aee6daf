"""Every name DESIGN.md promises is there, reached the way its checks reach it (`nn.manual.x`)."""

from __future__ import annotations

import pytest

import autograd
import nn

NAMES = [
    "autograd.Value", "autograd.define_op", "autograd.sum", "autograd.weighted_sum",
    "autograd.exp", "autograd.log", "autograd.tanh", "autograd.sigmoid", "autograd.relu",
    "autograd.no_grad", "autograd.grad", "autograd.value_and_grad", "autograd.numerical_grad",
    "autograd.gradcheck", "autograd.compile", "autograd.draw", "autograd.draw_svg",
    "autograd.step_through",
    "nn.Module", "nn.Neuron", "nn.Layer", "nn.MLP", "nn.softmax", "nn.train_step",
    "nn.compile_step", "nn.fit", "nn.to_torch", "nn.from_torch", "nn.manual.backprop",
    "nn.losses.sse", "nn.losses.mse", "nn.losses.half_mse", "nn.losses.bce", "nn.losses.hinge",
    "nn.losses.cross_entropy", "nn.optim.SGD", "nn.optim.Adam", "nn.data.make_moons",
    "nn.data.make_xor", "nn.data.make_division", "nn.data.load_digits", "nn.data.one_hot",
    "nn.data.load_csv", "nn.data.train_test_split", "nn.data.batches",
]


@pytest.mark.parametrize("dotted", NAMES)
def test_the_name_is_reachable_from_its_package(dotted: str) -> None:
    top, *path = dotted.split(".")
    obj: object = {"autograd": autograd, "nn": nn}[top]
    for part in path:
        obj = getattr(obj, part)
    assert callable(obj)
