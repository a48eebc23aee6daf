"""step_through: the page in a real headless browser (Debian's chromium, driven by selenium).

Skipped with the reason when chromium, chromedriver or selenium is missing; failed instead when
CHAINRULE_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, define_op
from autograd.backward import topological_order
from autograd.draw.step import step_through
from tests.browser import headless_chromium

DASH = "—"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with headless_chromium() as driver:
        yield driver


def seed_neuron() -> tuple[Value, list[Value]]:
    """The first seed's single neuron: E = 0.5 (sigmoid(w a + b) - T)^2."""
    w, a, b, t = Value(0.4, "w"), Value(0.9, "a"), Value(-0.3, "b"), Value(1.0, "T")
    z = w * a + b
    z.label = "z"
    out = z.sigmoid()
    out.label = "A"
    error = 0.5 * (out - t) ** 2
    error.label = "E"
    return error, [w, a, b, t, z, out, error]


def shared_node() -> tuple[Value, list[Value]]:
    """u = x * y is used twice: its gradient is the sum of two contributions."""
    x, y = Value(1.5, "x"), Value(-2.0, "y")
    u = x * y
    u.label = "u"
    out = u * u + u.tanh()
    out.label = "out"
    return out, [x, y, u, out]


# An op of the user's own, made by define_op like every built-in one (test_define_op.py).
sin = define_op("sin", math.sin, lambda x, out: (cos(x),))
cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))


def user_ops() -> tuple[Value, list[Value]]:
    """f = sin(x y) cos(x) + 2: a user's ops, one with a number folded in, x used twice."""
    x, y = Value(0.7, "x"), Value(-1.3, "y")
    s = sin(x * y)
    s.label = "s"
    f = s * cos(x) + 2.0
    f.label = "f"
    return f, [x, y, s, f]


def grads_shown(driver: Any) -> dict[str, str]:
    return dict(driver.execute_script(
        "const found = {};"
        "for (const e of document.querySelectorAll('[data-grad-of]'))"
        "  found[e.getAttribute('data-grad-of')] = e.textContent;"
        "return found;"))


def page_steps(root: Value) -> range:
    return range(sum(1 for node in topological_order(root) if node.parents))


def click(driver: Any, button: str) -> None:
    driver.find_element("id", button).click()


@pytest.mark.parametrize("example", [seed_neuron, shared_node, user_ops],
                         ids=["seed neuron", "shared", "define_op"])
def test_the_page_steps_backward_to_the_gradients(
    browser: Any, example: Any, tmp_path: Path
) -> None:
    root, values = example()
    page = tmp_path / "steps.html"
    step_through(root).save(page)
    assert all(v.grad == 0.0 for v in values)  # the page computed its own copy
    browser.get(page.as_uri())
    assert browser.get_log("browser") == []  # no console error
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').length") == 0  # no network request
    start = grads_shown(browser)
    assert start[root.label] == "1"
    assert {label: text for label, text in start.items() if label != root.label} == {
        v.label: DASH for v in values if v is not root}
    ops = sum(1 for node in topological_order(root) if node.parents)
    clicks = 0
    states = [start]
    while browser.find_element("id", "next").is_enabled() and clicks <= ops:
        click(browser, "next")
        clicks += 1
        states.append(grads_shown(browser))
    assert clicks == ops
    root.backward()
    final = states[-1]
    for v in values:
        assert math.isclose(float(final[v.label]), float(f"{v.grad:.4g}"), rel_tol=1e-12), v
    # prev undoes each step exactly
    for previous in reversed(states[:-1]):
        click(browser, "prev")
        assert grads_shown(browser) == previous
    click(browser, "end")
    assert grads_shown(browser) == final
    assert browser.get_log("browser") == []
    assert overflowing_cells(browser) == []


def overflowing_cells(driver: Any) -> list[str]:
    """The grad cells whose text, as the browser sets it, runs past the cell's rectangle."""
    return list(driver.execute_script(
        "const bad = [];"
        "for (const t of document.querySelectorAll('tspan.grad')) {"
        "  const text = t.parentNode, cell = text.previousElementSibling;"
        "  const box = text.getBBox(), x = cell.x.baseVal.value, w = cell.width.baseVal.value;"
        "  if (box.x < x || box.x + box.width > x + w) bad.push(text.textContent);"
        "}"
        "return bad;"))


def test_the_shared_node_adds_both_contributions(browser: Any, tmp_path: Path) -> None:
    root, _ = shared_node()
    page = tmp_path / "steps.html"
    step_through(root).save(page)
    browser.get(page.as_uri())
    panel = []
    for _ in page_steps(root):
        click(browser, "next")
        panel.append(browser.find_element("id", "rule").text)
    text = "\n".join(panel)
    assert "dout/du +=" in text and "so dout/du =" in text  # the sum over paths, spelled out


def test_the_arrow_keys_step_too(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    root, _ = seed_neuron()
    page = tmp_path / "steps.html"
    step_through(root).save(page)
    browser.get(page.as_uri())
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.ARROW_RIGHT)
    assert browser.find_element("id", "counter").text.startswith("step 1 of")
    assert "dE/d" in browser.find_element("id", "rule").text
    body.send_keys(Keys.END)
    assert grads_shown(browser)["w"] != DASH
    body.send_keys(Keys.ARROW_LEFT)
    body.send_keys(Keys.HOME)
    assert grads_shown(browser)["w"] == DASH


def test_without_dot_the_page_still_works(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    root, values = seed_neuron()
    page = tmp_path / "steps.html"
    step_through(root).save(page)
    assert 'data-layout="grandalf"' in page.read_text()
    browser.get(page.as_uri())
    click(browser, "end")
    root.backward()
    shown = grads_shown(browser)
    assert all(math.isclose(float(shown[v.label]), float(f"{v.grad:.4g}")) for v in values)


def test_the_page_is_self_contained_and_leaves_every_grad_alone() -> None:
    root, values = shared_node()
    root.backward()
    before = [v.grad for v in values]
    page = step_through(root, engine="grandalf")
    html = page.html()
    assert [v.grad for v in values] == before
    assert len(page.steps) == sum(1 for node in topological_order(root) if node.parents)
    for outside in ("http://", "https://", "<link", "src="):
        assert outside not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # the key sits in the side panel, in view however far the diagram scrolls
    legend = html[html.index('<details id="legend"'):html.index("</details>")]
    assert "output: the Value drawn" in legend and "unlabelled Values" in legend
    assert 'id="legend"' not in page.svg
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "&lt;button id=&quot;next&quot;" in frame
    with pytest.raises(TypeError, match="takes a Value"):
        step_through(3.0)  # type: ignore[arg-type]


def test_the_readme_example_writes_the_page_without_dot(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Watching backward, step by step"):]
    start = section.index("```python") + len("```python")
    code = section[start:section.index("```", start)]
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, timeout=120,
                   env={"PATH": "", "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    html = (tmp_path / "steps.html").read_text(encoding="utf-8")
    assert 'data-layout="grandalf"' in html and "step 0 of 6" in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["steps.html"]
