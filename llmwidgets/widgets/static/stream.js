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
  const error = document.createElement("div");
  error.className = "llmw-error";
  el.append(head, body, error);

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
    if (html) {
      body.classList.add("llmw-markdown");
      body.innerHTML = html; // rendered in Python by markdown-it with raw HTML disabled
    } else {
      body.classList.remove("llmw-markdown");
      body.textContent = model.get("text");
    }
    error.textContent = model.get("error");
    error.hidden = !model.get("error");
  }

  const names = ["status", "stoppable", "llm_model", "text", "html", "error", "finish_reason", "ttft_s", "tokens_per_s", "usage"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
