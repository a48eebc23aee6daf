"""Crowds of arrows: more than `CROWD` arrows from the boxes of one cluster into those of another.

Drawn like the other arrows, a crowd (every input of a big sum, every weight between two wide
groups of boxes) merges into a black bar between two ranks. `thin_crowds` draws each arrow of a
crowd thin, translucent, straight and without a head or label, and asks for room between the two
ranks, so the lines fan out into a web through which each one can be followed. The more arrows,
the fainter each: n lines at opacity about 6/√n stack to the same greyness whatever n is.
"""

from __future__ import annotations

import math

from autograd.draw.scene import Arrow, Scene

CROWD = 48
THIN = 0.5  # line width


def thin_crowds(scene: Scene, crowd: int = CROWD) -> int:
    """Thin every crowd of `scene`'s arrows in place; the number of arrows thinned."""
    cluster_of = {box.id: box.cluster for box in scene.boxes}
    between: dict[tuple[str | None, str | None], list[Arrow]] = {}
    for arrow in scene.arrows:
        ends = cluster_of[arrow.tail], cluster_of[arrow.head]
        if arrow.visible and not arrow.strong and ends[0] != ends[1]:
            between.setdefault(ends, []).append(arrow)
    thinned = 0
    for arrows in between.values():
        if len(arrows) <= crowd:
            continue
        opacity = min(0.4, max(0.1, 6 / math.sqrt(len(arrows))))
        room = min(240.0, 60 + 4 * math.sqrt(len(arrows)))
        for arrow in arrows:
            arrow.thin, arrow.straight, arrow.arrowhead = True, True, False
            arrow.width, arrow.opacity, arrow.room = THIN, opacity, room
            arrow.label = ""
        thinned += len(arrows)
    return thinned


__all__ = ["CROWD", "thin_crowds"]
