// The streaming output cell: a status line, the live text, a Stop button.
// Python owns the state; this view only draws it and sends one message: {type: "stop"}.

function render({ model, el }) {
  el.classList.add("llmw-stream");
  const head = document.createElement("div");
  head.className = "llmw-head";
  const status = document.createElement("span");
  status.className = "llmw-status";
  const metrics = document.createElement("span");
  metrics.className = "llmw-metrics";
  const stop = document.createElement("button");
  stop.className = "llmw-stop";
  stop.textContent = "Stop";
  stop.title = "Close the stream and keep what has arrived";
  stop.addEventListener("click", () => {
    stop.disabled = true;
    model.send({ type: "stop" });
  });
  head.append(status, metrics, stop);

  const body = document.createElement("div");
  body.className = "llmw-body";
  const calls = document.createElement("div");
  calls.className = "llmw-calls";
  const check = document.createElement("div");
  check.className = "llmw-check";
  const error = document.createElement("div");
  error.className = "llmw-error";
  el.append(head, body, calls, check, error);

  // A verdict: its one line (✓, ✗ or … while writing) and each problem with its path.
  // The marked HTML is built in Python from escaped JSON (structured.pretty_html).
  function verdict(into, item) {
    into.dataset.state = item.state;
    const line = document.createElement("div");
    line.className = "llmw-verdict";
    line.textContent = item.summary;
    const list = document.createElement("ul");
    list.className = "llmw-problems";
    for (const problem of item.problems || []) {
      const li = document.createElement("li");
      const path = document.createElement("code");
      path.textContent = problem.path;
      li.append(path, `: ${problem.message}`);
      list.append(li);
    }
    into.append(line);
    if (list.children.length) into.append(list);
  }

  function drawCalls() {
    calls.replaceChildren();
    for (const call of model.get("tool_calls") || []) {
      const card = document.createElement("div");
      card.className = "llmw-call";
      const title = document.createElement("div");
      title.className = "llmw-call-name";
      title.textContent = `${call.name || "…"}(…)`;
      title.title = call.id ? `tool call ${call.id}` : "";
      const args = document.createElement("pre");
      args.className = "llmw-json";
      if (call.html) args.innerHTML = call.html;
      else args.textContent = call.arguments;
      card.append(title, args);
      verdict(card, call);
      calls.append(card);
    }
  }

  const seconds = (s) => (s == null ? "" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);

  function draw() {
    const state = model.get("status");
    const live = state === "waiting" || state === "streaming";
    el.dataset.status = state;
    status.textContent = [state, model.get("llm_model")].filter(Boolean).join(" · ");
    const usage = model.get("usage") || {};
    const parts = [];
    const ttft = model.get("ttft_s");
    const rate = model.get("tokens_per_s");
    if (ttft != null) parts.push(`first token ${seconds(ttft)}`);
    if (rate != null) parts.push(`${rate.toFixed(1)} tokens/s`);
    if (model.get("finish_reason")) parts.push(`finish_reason ${model.get("finish_reason")}`);
    if (usage.total_tokens != null) {
      const mark = usage.estimated ? "~" : "";
      parts.push(`${mark}${usage.prompt_tokens} + ${mark}${usage.completion_tokens} tokens`);
    }
    metrics.textContent = parts.join(" · ");
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

  const names = ["status", "stoppable", "llm_model", "text", "html", "error", "finish_reason", "ttft_s", "tokens_per_s", "usage", "json_check"];
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
