"""Newton's method uses the second derivative; gradient descent only the first.

Gradient descent steps downhill by a fixed fraction of the slope: x <- x - lr * f'(x).
Newton's method fits a parabola through the current point, using the curvature f''(x) as well,
and jumps to its bottom: x <- x - f'(x) / f''(x). Near the minimum it doubles the number of correct
digits every step. chainrule gets f'' from `grad(grad(f))`, and in two variables the whole matrix
of second derivatives from `hessian(f)`.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd import Value, grad, hessian

TOLERANCE = 1e-10


def bowl(x: Value) -> Value:
    """f(x) = x^2 + e^x: convex, smallest where f'(x) = 2x + e^x = 0, at x = -0.3517..."""
    return x * x + x.exp()


def rosenbrock(x: Value, y: Value) -> Value:
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2: a curved valley with its minimum at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def newton_1d(f: Callable[[Value], Value], x: float, max_steps: int = 50) -> list[float]:
    """Newton's iterates x, x - f'(x)/f''(x), ... until the step is below TOLERANCE."""
    slope, curvature = grad(f), grad(grad(f))
    path = [x]
    for _ in range(max_steps):
        step = float(slope(x)) / float(curvature(x))  # type: ignore[arg-type]
        x -= step
        path.append(x)
        if abs(step) < TOLERANCE:
            break
    return path


def descent_1d(f: Callable[[Value], Value], x: float, lr: float, max_steps: int) -> list[float]:
    """Gradient descent's iterates x - lr f'(x), until the step is below TOLERANCE."""
    slope = grad(f)
    path = [x]
    for _ in range(max_steps):
        step = lr * float(slope(x))  # type: ignore[arg-type]
        x -= step
        path.append(x)
        if abs(step) < TOLERANCE:
            break
    return path


def newton_2d(
    f: Callable[[Value, Value], Value], x: float, y: float, max_steps: int = 50
) -> list[tuple[float, float]]:
    """Newton in two variables: solve H step = gradient (a 2x2 system) and move by -step."""
    gradient = grad(f)
    path = [(x, y)]
    for _ in range(max_steps):
        gx, gy = gradient(x, y)  # type: ignore[misc]
        (hxx, hxy), (hyx, hyy) = hessian(f)(x, y)
        determinant = hxx * hyy - hxy * hyx
        step_x = (hyy * gx - hxy * gy) / determinant
        step_y = (hxx * gy - hyx * gx) / determinant
        x, y = x - step_x, y - step_y
        path.append((x, y))
        if max(abs(step_x), abs(step_y)) < TOLERANCE:
            break
    return path


def descent_2d(
    f: Callable[[Value, Value], Value], x: float, y: float, lr: float, max_steps: int
) -> list[tuple[float, float]]:
    """Gradient descent in two variables."""
    gradient = grad(f)
    path = [(x, y)]
    for _ in range(max_steps):
        gx, gy = gradient(x, y)  # type: ignore[misc]
        x, y = x - lr * gx, y - lr * gy
        path.append((x, y))
        if max(abs(lr * gx), abs(lr * gy)) < TOLERANCE:
            break
    return path


def main() -> None:
    print("f(x) = x^2 + e^x, from x = 2")
    newton = newton_1d(bowl, 2.0)
    slope = grad(bowl)
    for i, x in enumerate(newton):
        print(f"  Newton step {i:2d}: x = {x:+.15f}   f'(x) = {slope(x):+.2e}")
    descent = descent_1d(bowl, 2.0, lr=0.1, max_steps=10_000)
    steps = len(descent) - 1
    print(f"  gradient descent (lr 0.1) needs {steps} steps to reach x = {descent[-1]:+.10f}")

    print("\nRosenbrock (1 - x)^2 + 100 (y - x^2)^2, from (-1.2, 1)")
    path = newton_2d(rosenbrock, -1.2, 1.0)
    for i, (x, y) in enumerate(path):
        value = rosenbrock(Value(x), Value(y)).data
        print(f"  Newton step {i:2d}: (x, y) = ({x:+.12f}, {y:+.12f})   f = {value:.3e}")
    slow = descent_2d(rosenbrock, -1.2, 1.0, lr=1e-3, max_steps=20_000)
    x, y = slow[-1]
    print(
        f"  gradient descent (lr 1e-3) after {len(slow) - 1} steps: ({x:+.6f}, {y:+.6f}), "
        f"f = {rosenbrock(Value(x), Value(y)).data:.3e}"
    )


if __name__ == "__main__":
    main()
