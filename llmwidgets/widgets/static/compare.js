// The comparison grid: one card per lane, streamed side by side, and a word diff of two.
// Python owns the state; this view draws it and sends {type: "stop", lane?}.

import { element, withCode } from "./kit.js";

const LIVE = new Set(["waiting", "streaming"]);


function render({ model, el }) {
  el.classList.add("llmw", "llmw-compare");
  el.tabIndex = 0; // Escape stops every lane
  const head = element("div", "llmw-compare-head");
  const prompt = element("span", "llmw-compare-prompt");
  const state = element("span", "llmw-compare-state");
  const stopAll = element("button", "llmw-compare-stopall", "Stop all");
  stopAll.title = "Close every stream and keep what has arrived (Escape)";
  stopAll.addEventListener("click", () => model.send({ type: "stop" }));
  head.append(prompt, state, stopAll);
  const grid = element("div", "llmw-compare-grid");
  const diff = element("div", "llmw-compare-diff");
  el.append(head, grid, diff);
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      model.send({ type: "stop" });
    }
  });

  const cards = [];
  function card(i) {
    if (cards[i]) return cards[i];
    const root = element("section", "llmw-compare-lane");
    const top = element("header", "llmw-compare-lane-head");
    const title = element("span", "llmw-compare-label");
    const modelName = element("span", "llmw-compare-model");
    const status = element("span", "llmw-compare-status");
    const stop = element("button", "llmw-compare-stop", "Stop");
    stop.title = "Close this stream and keep what has arrived";
    stop.addEventListener("click", () => {
      stop.disabled = true;
      model.send({ type: "stop", lane: i });
    });
    top.append(title, status, stop);
    const own = element("div", "llmw-compare-own");
    const notes = element("ul", "llmw-compare-notes");
    const body = element("div", "llmw-compare-body");
    const error = element("div", "llmw-compare-error");
    const foot = element("footer", "llmw-compare-figures");
    root.append(top, modelName, own, notes, body, error, foot);
    grid.append(root);
    cards[i] = { root, title, modelName, status, stop, own, notes, body, error, foot };
    return cards[i];
  }

  function drawLane(lane, i) {
    const c = card(i);
    c.root.dataset.status = lane.status;
    c.title.textContent = lane.label;
    c.modelName.textContent = lane.model || "…";
    c.status.textContent = lane.status;
    const live = LIVE.has(lane.status);
    c.stop.hidden = !live;
    if (live) c.stop.disabled = false;
    c.own.replaceChildren(
      ...Object.entries(lane.own || {}).map(([k, v]) => element("code", "llmw-compare-chip", `${k}=${v}`)),
    );
    c.own.hidden = !Object.keys(lane.own || {}).length;
    c.notes.replaceChildren(...(lane.notes || []).map((note) => withCode(note, "li")));
    c.notes.hidden = !(lane.notes || []).length;
    if (lane.html) {
      c.body.classList.add("llmw-markdown");
      c.body.innerHTML = lane.html; // rendered in Python by markdown-it with raw HTML disabled
    } else {
      c.body.classList.remove("llmw-markdown");
      c.body.textContent = lane.text;
    }
    c.error.textContent = lane.error;
    c.error.hidden = !lane.error;
    c.foot.textContent = lane.figures; // written in Python (figures.py)
  }

  // The diff's bar is built once: redrawing it while lanes stream would close an open
  // menu and take the focus from a select. Options change only when the lanes' names do.
  const pickA = element("select", "llmw-compare-pick");
  const pickB = element("select", "llmw-compare-pick");
  pickA.title = "the first answer";
  pickB.title = "the second answer";
  for (const [pick, slot] of [[pickA, 0], [pickB, 1]]) {
    pick.addEventListener("change", () => {
      const pair = [...model.get("diff_pair")];
      pair[slot] = Number(pick.value);
      model.set("diff_pair", pair);
      model.save_changes();
    });
  }
  const share = element("span", "llmw-compare-share");
  const legend = element("span", "llmw-compare-legend");
  legend.append(element("del", "", "only in the first"), " ", element("ins", "", "only in the second"));
  const bar = element("div", "llmw-compare-diff-head");
  bar.append(element("b", "", "Word diff"), pickA, element("span", "", "→"), pickB, legend, share);
  const text = element("div", "llmw-compare-diff-text");
  diff.append(bar, text);
  let labels = "";

  function options(lanes) {
    const now = lanes.map((lane) => lane.label).join("\n");
    if (now === labels) return;
    labels = now;
    for (const pick of [pickA, pickB]) {
      pick.replaceChildren(
        ...lanes.map((lane, i) => {
          const o = element("option", "", `${i + 1}. ${lane.label}`);
          o.value = String(i);
          return o;
        }),
      );
    }
  }

  let drawn = null;
  function drawDiff() {
    const lanes = model.get("lanes");
    const d = model.get("diff") || {};
    diff.hidden = lanes.length < 2 || lanes.filter((l) => l.text).length < 2;
    if (diff.hidden) return;
    options(lanes);
    const pair = model.get("diff_pair");
    if (document.activeElement !== pickA) pickA.value = String(pair[0]);
    if (document.activeElement !== pickB) pickB.value = String(pair[1]);
    share.textContent = d.runs ? `${Math.round(d.similarity * 100)}% of words shared` : "waiting for both answers";
    if (drawn === d) return; // the runs are redrawn only when they change
    drawn = d;
    text.replaceChildren(
      ...(d.runs || []).map(([op, words]) =>
        op === "same" ? document.createTextNode(words) : element(op === "add" ? "ins" : "del", "", words),
      ),
    );
  }

  function draw() {
    const lanes = model.get("lanes");
    const status = model.get("status");
    el.dataset.status = status;
    prompt.textContent = model.get("prompt");
    prompt.title = model.get("prompt");
    const ended = lanes.filter((l) => !LIVE.has(l.status)).length;
    state.textContent = `${ended} of ${lanes.length} ended`;
    stopAll.hidden = status !== "running";
    lanes.forEach(drawLane);
    drawDiff();
  }

  const names = ["lanes", "status", "prompt", "diff", "diff_pair"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
