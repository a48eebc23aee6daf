"""One convention for randomness across `nn`: a `seed` is an int, a `random.Random`, or None."""

from __future__ import annotations

import random

Seed = int | random.Random | None


def make_rng(seed: Seed) -> random.Random:
    """A generator for `seed`: a fresh one seeded with an int, the same one if given a Random.

    Passing a Random lets several objects draw from one stream (an MLP hands its generator to
    each layer in turn); None seeds from the operating system, so results differ run to run.
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is None or (isinstance(seed, int) and not isinstance(seed, bool)):
        return random.Random(seed)
    raise TypeError(f"seed must be an int, a random.Random or None, got {type(seed).__name__}")
