// Steps backward through the graph drawn above. The steps were computed in Python; this only
// shows them: state k is the initial state with steps 0 .. k-1 applied, so prev and next
// always agree with a fresh start.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("steps").textContent);
  const total = data.steps.length;
  let k = 0;

  function byId(id) { return document.getElementById(id); }

  function setLabel(arrowId, text, state) {
    const edge = byId(arrowId);
    if (!edge) return;
    edge.classList.remove("done", "current");
    if (state) edge.classList.add(state);
    const label = byId(arrowId + "-label");
    if (label) label.textContent = text;
  }

  function paragraph(text) {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function show() {
    for (const [cell, text] of Object.entries(data.initial)) byId(cell).textContent = text;
    for (const [arrow, text] of Object.entries(data.labels)) setLabel(arrow, text, "");
    for (const item of document.querySelectorAll("svg .node, svg .edge.thin")) {
      item.classList.remove("current", "done");
    }
    for (let i = 0; i < k; i++) {
      const step = data.steps[i];
      const state = i === k - 1 ? "current" : "done";
      for (const [cell, text] of Object.entries(step.cells)) byId(cell).textContent = text;
      for (const [arrow, text] of Object.entries(step.arrows)) setLabel(arrow, text, state);
      for (const arrow of step.lit) {
        const edge = byId(arrow);
        if (edge) edge.classList.add(state);
      }
      for (const box of step.boxes) {
        const node = byId(box);
        if (node) node.classList.add(state);
      }
    }
    if (k > 0) {  // bring what this step lit into view
      const first = byId(data.steps[k - 1].boxes[0]);
      if (first) first.scrollIntoView({block: "center", inline: "center"});
    }
    const rule = byId("rule");
    rule.replaceChildren(...(k === 0 ? data.intro : data.steps[k - 1].panel).map(paragraph));
    if (k === total && total > 0) rule.appendChild(paragraph("Done: every gradient is in."));
    byId("counter").textContent = "step " + k + " of " + total;
    byId("prev").disabled = k === 0;
    byId("next").disabled = k === total;
    byId("end").disabled = k === total;
  }

  function go(to) {
    k = Math.max(0, Math.min(total, to));
    show();
  }

  byId("next").addEventListener("click", function () { go(k + 1); });
  byId("prev").addEventListener("click", function () { go(k - 1); });
  byId("end").addEventListener("click", function () { go(total); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight" || event.key === "ArrowDown") go(k + 1);
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") go(k - 1);
    else if (event.key === "End") go(total);
    else if (event.key === "Home") go(0);
    else return;
    event.preventDefault();
  });
  show();
})();
