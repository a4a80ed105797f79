// The streaming output cell: a status line, the live text, a Stop button.
// Python owns the state; this view only draws it and sends one message: {type: "stop"}.

import { element, verdict } from "./kit.js";

function render({ model, el }) {
  el.classList.add("llmw", "llmw-stream");
  const head = element("div", "llmw-head");
  const status = element("span", "llmw-status");
  const metrics = element("span", "llmw-metrics");
  const stop = element("button", "llmw-stop", "Stop");
  stop.title = "Close the stream and keep what has arrived";
  stop.addEventListener("click", () => {
    stop.disabled = true;
    model.send({ type: "stop" });
  });
  head.append(status, metrics, stop);

  const body = element("div", "llmw-body");
  const calls = element("div", "llmw-calls");
  const check = element("div", "llmw-check");
  const error = element("div", "llmw-error");
  el.append(head, body, calls, check, error);

  function drawCalls() {
    calls.replaceChildren();
    for (const call of model.get("tool_calls") || []) {
      const card = element("div", "llmw-call");
      const title = element("div", "llmw-call-name");
      title.textContent = `${call.name || "…"}(…)`;
      title.title = call.id ? `tool call ${call.id}` : "";
      const args = element("pre", "llmw-json");
      if (call.html) args.innerHTML = call.html;
      else args.textContent = call.arguments;
      card.append(title, args);
      verdict(card, call);
      calls.append(card);
    }
  }

  function draw() {
    const state = model.get("status");
    const live = state === "waiting" || state === "streaming";
    el.dataset.status = state;
    const api = model.get("api") === "responses" ? "Responses API" : "";
    status.textContent = [state, model.get("llm_model"), api].filter(Boolean).join(" · ");
    metrics.textContent = model.get("figures"); // written in Python (figures.py)
    stop.hidden = !live || model.get("stoppable") === false; // the kernel's interrupt stops it
    if (live) stop.disabled = false;
    const html = model.get("html");
    const json = model.get("json_check") || {};
    check.replaceChildren();
    check.hidden = !json.state;
    if (json.state) verdict(check, json);
    if (json.html) {
      body.classList.remove("llmw-markdown");
      body.classList.add("llmw-json");
      body.innerHTML = json.html;
    } else if (html) {
      body.classList.remove("llmw-json");
      body.classList.add("llmw-markdown");
      body.innerHTML = html; // rendered in Python by markdown-it with raw HTML disabled
    } else {
      body.classList.remove("llmw-markdown", "llmw-json");
      body.textContent = model.get("text");
    }
    body.hidden = !body.textContent && (model.get("tool_calls") || []).length > 0;
    error.textContent = model.get("error");
    error.hidden = !model.get("error");
  }

  const names = ["status", "stoppable", "llm_model", "api", "text", "html", "error", "figures", "json_check"];
  for (const name of names) model.on(`change:${name}`, draw);
  model.on("change:tool_calls", drawCalls);
  model.on("change:tool_calls", draw);
  draw();
  drawCalls();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
    model.off("change:tool_calls", drawCalls);
    model.off("change:tool_calls", draw);
  };
}

export default { render };
