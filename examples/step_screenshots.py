"""Watch backward() step by step: the page `step_through` writes, photographed at three steps.

    E = 0.5 (A - T)^2,  A = sigmoid(z),  z = w a + b      (the first seed's single neuron)

`step_through(E)` is one HTML file: the graph with every gradient unknown (—) but E's own, 1.
Each press of `next` takes one op node, last made first: its arrows show upstream grad × local
derivative, its operands' grads fill in, and the panel writes the chain rule out. This script
saves the page, opens it in a headless chromium (the one the tests drive), and photographs it
at the start, halfway and at the end, for the README. Then one bigger page: a handwritten digit
through MLP(64, [30, 10]), a neuron a box, stepped a layer at a time (it needs scikit-learn,
which ships the digits), photographed when backward reaches the output layer.

Run: python examples/step_screenshots.py [OUTPUT_DIR]     (default docs/images). It needs Debian's
chromium and chromium-driver and the selenium package; without them it says so and writes
nothing (the page itself needs none of them: open steps.html in any browser).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import tempfile
from pathlib import Path

from autograd import Value
from autograd.draw import StepThrough, step_through

SIZE = (800, 1200)  # the browser window, in CSS pixels


def seed_neuron() -> tuple[Value, Value]:
    """E = 0.5 (sigmoid(w a + b) - T)^2, every Value labelled as the seed names it; and w."""
    w, a, b, t = Value(0.4, "w"), Value(0.9, "a"), Value(-0.3, "b"), Value(1.0, "T")
    z = w * a + b
    z.label = "z"
    out = z.sigmoid()
    out.label = "A"
    error = 0.5 * (out - t) ** 2
    error.label = "E"
    return error, w


def browser_missing() -> str:
    """What is missing to take the pictures, or "" when nothing is."""
    missing = [name for name, found in (
        ("chromium", shutil.which("chromium") or shutil.which("chromium-browser")),
        ("chromedriver", shutil.which("chromedriver")),
        ("the selenium package", importlib.util.find_spec("selenium")),
    ) if not found]
    return ", ".join(missing)


def photograph(page: Path, shots: dict[str, int], size: tuple[int, int]) -> None:
    """Open `page` in headless chromium, window `size`, and save it at each step of `shots`
    (a path and a step number, in order)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--hide-scrollbars", f"--user-data-dir={tempfile.mkdtemp()}",
                 f"--window-size={size[0]},{size[1]}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or ""),
                              options=options)
    try:
        driver.get(page.as_uri())
        clicks = 0
        for path, step in shots.items():
            while clicks < step:
                driver.find_element("id", "next").click()
                clicks += 1
            counter = driver.find_element("id", "counter").text
            assert counter.startswith(f"step {step} of "), counter
            driver.find_element("tag name", "main").screenshot(path)
            print(f"wrote {path}")
    finally:
        driver.quit()


def digits_page() -> StepThrough | None:
    """The cost of the first digit through MLP(64, [30, 10]), untrained, stepped a layer at a
    time; None without scikit-learn."""
    if importlib.util.find_spec("sklearn") is None:
        print("no digits picture: scikit-learn is missing (pip install 'chainrule[data]')")
        return None
    from nn.data import load_digits, one_hot
    from nn.draw import sample_graph
    from nn.draw import step_through as step_through_network
    from nn.layers import MLP

    images, labels = load_digits()
    model = MLP(64, [30, 10], activation="tanh", output_activation="linear", seed=0)
    cost = sample_graph(model, images[0], one_hot([labels[0]], 10)[0], loss="cross_entropy")
    return step_through_network(cost, model=model, by_layer=True,
                                title=f"a handwritten {labels[0]} through MLP(64, [30, 10])")


def main(folder: Path) -> None:
    error, w = seed_neuron()
    page = step_through(error, rankdir="TB", title="backward through the seed's single neuron")
    print(f"E = {error.data:.6f}; the page takes {len(page.steps)} steps, one per op node")
    shown = dict(page.initial)  # what the page shows once every step is taken
    for step in page.steps:
        shown.update(step.cells)
    cell = re.search(r'<tspan id="([^"]+)" class="grad" data-grad-of="w">', page.svg)
    assert cell is not None
    error.backward()
    print(f"at the end the page shows dE/dw = {shown[cell.group(1)]}; backward() gives "
          f"{w.grad:.4g}")
    assert shown[cell.group(1)] == f"{w.grad:.4g}"
    missing = browser_missing()
    if missing:
        print(f"no pictures taken: {missing} missing (apt-get install chromium chromium-driver; "
              "pip install selenium)")
        return
    folder.mkdir(parents=True, exist_ok=True)
    steps = len(page.steps)
    digits = digits_page()
    with tempfile.TemporaryDirectory() as scratch:
        shots = {str(folder / f"step_{name}.png"): step
                 for name, step in (("start", 0), ("middle", steps // 2), ("end", steps))}
        photograph(page.save(Path(scratch) / "steps.html"), shots, SIZE)
        if digits is not None:  # the step that reaches the output layer's ten neurons
            layer = next(i for i, s in enumerate(digits.steps, 1) if len(s.boxes) == 10)
            photograph(digits.save(Path(scratch) / "digits.html"),
                       {str(folder / "step_digits.png"): layer}, (1280, 900))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/images"))
