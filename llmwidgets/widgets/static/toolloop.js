// A tool loop as a timeline: one row per round trip, closed to a sentence, open on its
// details. Python owns the state (the rounds, their verdicts and figures, all formatted
// there); this view draws it and sends one message: {type: "stop"}.

import { element, verdict } from "./kit.js";

// Marked or indented JSON: built in Python from escaped text (structured.pretty_html).
function jsonBlock(markup, fallback) {
  const pre = element("pre", "llmw-json");
  if (markup) pre.innerHTML = markup;
  else pre.textContent = fallback;
  return pre;
}

// A call's verdict in its own box (the kit draws it).
function verdictBox(call) {
  const box = element("div", "llmw-verdict-box");
  verdict(box, call);
  return box;
}

// The closed row's sentence: what was asked, and what came back.
function headline(round) {
  if (!round.calls.length) {
    const words = round.text.replace(/\s+/g, " ").trim();
    return words ? `answered: ${words.length > 90 ? words.slice(0, 90) + "…" : words}` : round.status;
  }
  return round.calls
    .map((c) => {
      const mark = c.state === "valid" ? "✓" : c.state === "partial" || c.state === "empty" ? "…" : "✗";
      const result = c.result == null ? "" : ` → ${c.result.length > 60 ? c.result.slice(0, 60) + "…" : c.result}`;
      return `${c.name}(${c.arguments}) ${mark}${result}`;
    })
    .join("  ·  ");
}

function roundBody(round) {
  const body = element("div", "llmw-loop-body");
  if (round.text) body.append(element("div", "llmw-loop-text", round.text));
  for (const call of round.calls) {
    const card = element("div", "llmw-loop-call");
    const asked = element("div", "llmw-loop-step");
    asked.append(element("span", "llmw-loop-label", "model asks"), element("code", "llmw-call-name", `${call.name}(…)`));
    card.append(asked, jsonBlock(call.html, call.arguments), verdictBox(call));
    if (call.result != null) {
      const ran = element("div", "llmw-loop-step");
      const label = call.failed ? "sent back an error" : `${call.name} returned in ${call.took}`;
      ran.append(element("span", "llmw-loop-label", label));
      card.append(ran, jsonBlock(call.result_html, call.result));
      if (call.failed) card.append(element("div", "llmw-loop-failed", call.failed));
    }
    body.append(card);
  }
  body.append(element("div", "llmw-loop-figures", round.figures));
  if (round.error) body.append(element("div", "llmw-error", round.error));
  return body;
}

function render({ model, el }) {
  el.classList.add("llmw", "llmw-loop");
  const head = element("div", "llmw-head");
  const status = element("span", "llmw-status");
  const count = element("span", "llmw-metrics");
  const stop = element("button", "llmw-stop", "Stop");
  stop.title = "Stop the round streaming now and run no more";
  stop.addEventListener("click", () => {
    stop.disabled = true;
    model.send({ type: "stop" });
  });
  head.append(status, count, stop);
  const list = element("ol", "llmw-loop-rounds");
  const answer = element("div", "llmw-loop-answer llmw-markdown");
  const error = element("div", "llmw-error");
  el.append(head, list, answer, error);
  const rows = [];
  const drawn = [];

  function row(i) {
    if (rows[i]) return rows[i];
    const item = element("li", "llmw-loop-round");
    const details = element("details");
    const summary = element("summary", "llmw-loop-summary");
    // Toggled here: inside a notebook's output the page's own click handling can swallow
    // a <summary>'s default action.
    summary.addEventListener("click", (event) => {
      event.preventDefault();
      details.open = !details.open;
      const opened = new Set(model.get("opened"));
      details.open ? opened.add(i) : opened.delete(i);
      model.set("opened", [...opened]);
      model.save_changes();
    });
    details.append(summary);
    item.append(details);
    list.append(item);
    rows[i] = { item, details, summary, body: null };
    return rows[i];
  }

  function draw() {
    const state = model.get("status");
    const rounds = model.get("rounds");
    const opened = new Set(model.get("opened"));
    el.dataset.status = state;
    status.textContent = ["tool loop", state, model.get("llm_model")].filter(Boolean).join(" · ");
    const calls = rounds.reduce((n, r) => n + r.calls.length, 0);
    count.textContent = `${rounds.length} round${rounds.length === 1 ? "" : "s"} · ${calls} tool call${calls === 1 ? "" : "s"}`;
    stop.hidden = state !== "running";
    if (state === "running") stop.disabled = false;
    rounds.forEach((round, i) => {
      const r = row(i);
      r.item.dataset.status = round.status;
      const number = element("span", "llmw-loop-n", `${round.n}`);
      r.summary.replaceChildren(number, element("span", "llmw-loop-headline", headline(round)));
      r.details.open = opened.has(i);
      const key = JSON.stringify(round);
      if (drawn[i] !== key || !r.body) {
        drawn[i] = key;
        const body = roundBody(round);
        if (r.body) r.body.replaceWith(body);
        else r.details.append(body);
        r.body = body;
      }
    });
    while (rows.length > rounds.length) rows.pop().item.remove();
    answer.innerHTML = model.get("answer_html"); // rendered in Python, raw HTML escaped
    answer.hidden = !model.get("answer_html");
    error.textContent = model.get("error");
    error.hidden = !model.get("error");
  }

  const names = ["status", "rounds", "answer_html", "error", "opened", "llm_model"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
