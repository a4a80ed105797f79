// The chat: the history as data, an answer streaming live, a box to ask the next question.
// Python owns the conversation; this view draws it and sends messages:
// send, stop, edit, delete, fork, rerun, restore, load. It never holds a key.

const seconds = (s) => (s == null ? "" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function numbers(turn) {
  const parts = [];
  if (turn.status && turn.status !== "done") parts.push(turn.status);
  if (turn.ttft_s != null) parts.push(`first token ${seconds(turn.ttft_s)}`);
  if (turn.tokens_per_s != null) parts.push(`${turn.tokens_per_s.toFixed(1)} tokens/s`);
  if (turn.prompt_tokens != null) {
    const mark = turn.estimated ? "~" : "";
    parts.push(`${mark}${turn.prompt_tokens} + ${mark}${turn.completion_tokens} tokens`);
  }
  if (turn.cost) parts.push(turn.cost);
  if (turn.finish_reason && turn.finish_reason !== "stop") parts.push(`finish_reason ${turn.finish_reason}`);
  if (turn.edited) parts.push("edited");
  return parts.join(" · ");
}

function render({ model, el: root }) {
  root.classList.add("llmw-chat");

  const head = el("div", "llmw-chat-head");
  const title = el("span", "llmw-chat-model");
  const bar = el("span", "llmw-chat-context");
  const fill = el("span", "llmw-chat-context-fill");
  bar.append(fill);
  const barText = el("span", "llmw-chat-context-text");
  const restore = el("button", "llmw-chat-restore", "Switch branch");
  restore.title = "Go back to the conversation you forked from (this one is kept in its place)";
  restore.addEventListener("click", () => act({ type: "restore" }));
  const copy = el("button", "llmw-chat-copy", "Copy messages");
  copy.title = "The conversation as a JSON `messages` list";
  const loader = el("button", "llmw-chat-load", "Load messages…");
  head.append(title, bar, barText, restore);
  const foot = el("div", "llmw-chat-foot");
  foot.append(copy, loader);

  const system = el("details", "llmw-chat-system");
  const summary = el("summary", null, "System prompt");
  const systemText = el("textarea", "llmw-chat-system-text");
  systemText.rows = 2;
  systemText.addEventListener("change", () => {
    model.set("system", systemText.value);
    model.save_changes();
  });
  system.append(summary, systemText);

  const list = el("div", "llmw-chat-list");
  list.setAttribute("role", "log");
  const live = el("div", "llmw-chat-live");
  const error = el("div", "llmw-chat-error");
  error.setAttribute("role", "alert");

  const ask = el("div", "llmw-chat-ask");
  const box = el("textarea", "llmw-chat-input");
  box.rows = 2;
  box.placeholder = "Ask something. Enter sends, Shift+Enter adds a line, Escape stops.";
  const sendButton = el("button", "llmw-chat-send", "Send");
  const stopButton = el("button", "llmw-chat-stop", "Stop");
  stopButton.title = "Close the stream and keep what has arrived";
  ask.append(box, sendButton, stopButton);

  const loadPanel = el("div", "llmw-chat-load-panel");
  const loadText = el("textarea", "llmw-chat-load-text");
  loadText.rows = 4;
  loadText.placeholder = '[{"role": "system", "content": "..."}, {"role": "user", "content": "..."}]';
  const loadGo = el("button", null, "Load");
  const loadCancel = el("button", null, "Cancel");
  loadPanel.append(loadText, loadGo, loadCancel);
  loadPanel.hidden = true;

  root.append(head, system, list, live, error, loadPanel, ask, foot);

  const busy = () => ["waiting", "streaming"].includes(model.get("status"));
  // Changes name the revision they saw: a click on a stale list changes nothing.
  const act = (message) => model.send({ ...message, revision: model.get("revision") });
  function send() {
    const text = box.value.trim();
    if (!text || busy()) return;
    model.send({ type: "send", text }); // the box empties once the question shows as asked
  }
  sendButton.addEventListener("click", send);
  stopButton.addEventListener("click", () => model.send({ type: "stop" }));
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation(); // one Stop: the chat's own Escape handler would send another
      model.send({ type: "stop" });
    }
  });
  // Escape stops from anywhere in the chat, not only from the box.
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && busy()) model.send({ type: "stop" });
  });

  // The messages come from Python, whole: tool calls, ids and content parts included.
  copy.addEventListener("click", () => model.send({ type: "export" }));
  async function copied(messages) {
    const text = JSON.stringify(messages, null, 1);
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = "Copied";
    } catch {
      loadText.value = text; // no clipboard (an insecure origin): show it to copy by hand
      loadPanel.hidden = false;
    }
    setTimeout(() => (copy.textContent = "Copy messages"), 1500);
  }
  const onMessage = (message) => {
    if (message && message.type === "messages") copied(message.messages);
  };
  model.on("msg:custom", onMessage);
  loader.addEventListener("click", () => {
    loadPanel.hidden = false;
    loadText.focus();
  });
  loadCancel.addEventListener("click", () => (loadPanel.hidden = true));
  loadGo.addEventListener("click", () => {
    try {
      const messages = JSON.parse(loadText.value);
      if (!Array.isArray(messages)) throw new Error("a list of messages, please");
      act({ type: "load", messages });
      loadPanel.hidden = true;
    } catch (problem) {
      error.textContent = `Could not read that as a messages list: ${problem.message}`;
      error.hidden = false;
    }
  });

  function editor(row, index, turn) {
    const area = el("textarea", "llmw-chat-edit");
    area.value = turn.content;
    area.rows = Math.min(10, turn.content.split("\n").length + 1);
    const save = el("button", null, "Save");
    const cancel = el("button", null, "Cancel");
    const done = () => drawList();
    save.addEventListener("click", () => act({ type: "edit", index, content: area.value }));
    cancel.addEventListener("click", done);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) save.click();
      if (event.key === "Escape") {
        event.stopPropagation();
        done();
      }
    });
    const body = row.querySelector(".llmw-chat-text");
    body.replaceWith(area);
    row.querySelector(".llmw-chat-actions").replaceChildren(save, cancel);
    area.focus();
  }

  function drawList() {
    const turns = model.get("turns");
    const rows = turns.map((turn, index) => {
      const row = el("div", "llmw-chat-message");
      row.dataset.role = turn.role;
      const role = el("span", "llmw-chat-role", turn.role);
      const body = el("div", "llmw-chat-text", turn.html ? null : turn.content);
      if (turn.html) {
        body.classList.add("llmw-markdown");
        body.innerHTML = turn.html; // rendered in Python by markdown-it with raw HTML disabled
      }
      const actions = el("span", "llmw-chat-actions");
      const button = (label, title, action) => {
        const b = el("button", null, label);
        b.title = title;
        b.disabled = busy(); // the history holds still while an answer streams
        b.addEventListener("click", action);
        actions.append(b);
      };
      button("Edit", "Change what this message says", () => editor(row, index, turn));
      if (turn.role === "user") {
        button("Ask again", "Forget everything from here and ask this question again", () =>
          act({ type: "rerun", index }),
        );
        button("Fork", "Keep this conversation as a branch, and go on from before this question", () =>
          act({ type: "fork", index }),
        );
      }
      button("Delete", "Delete this turn: the question and its answer", () => act({ type: "delete", index }));
      const top = el("div", "llmw-chat-message-head");
      top.append(role, actions);
      row.append(top, body);
      const line = numbers(turn);
      if (line) row.append(el("div", "llmw-chat-numbers", line));
      return row;
    });
    list.replaceChildren(...rows);
  }

  function drawLive() {
    const now = model.get("live") || {};
    if (now.question && now.status !== "error" && box.value.trim() === now.question) box.value = "";
    if (now.status === "error" && now.question && !box.value) box.value = now.question; // ask again
    live.hidden = !now.question;
    live.replaceChildren();
    if (!now.question) return;
    const question = el("div", "llmw-chat-message");
    question.dataset.role = "user";
    question.append(el("span", "llmw-chat-role", "user"), el("div", "llmw-chat-text", now.question));
    const answer = el("div", "llmw-chat-message llmw-chat-streaming");
    answer.dataset.role = "assistant";
    answer.append(el("span", "llmw-chat-role", "assistant"), el("div", "llmw-chat-text", now.text || "…"));
    const line = numbers({ ttft_s: now.ttft_s, tokens_per_s: now.tokens_per_s, status: now.status });
    if (line) answer.append(el("div", "llmw-chat-numbers", line));
    live.append(question, answer);
  }

  function drawHead() {
    const context = model.get("context") || {};
    title.textContent = model.get("llm_model");
    const share = context.window ? Math.min(1, (context.used + (context.reply || 0)) / context.window) : 0;
    fill.style.width = `${(share * 100).toFixed(1)}%`;
    bar.dataset.level = share > 0.9 ? "full" : share > 0.7 ? "high" : "ok";
    bar.title = "The next request: its prompt (tiktoken's estimate) and the room kept for the reply";
    const parts = context.over
      ? [`the newest question alone is over the ${context.window}-token window`]
      : [`next request ~${context.used ?? 0} + ${context.reply ?? 0} of ${context.window ?? "?"} tokens`];
    if (context.left_out) parts.push(`${context.left_out} old messages left out`);
    if (context.last_prompt_tokens != null) parts.push(`last prompt ${context.last_prompt_tokens} (provider's count)`);
    barText.textContent = parts.join(" · ");
    restore.hidden = !model.get("branches");
  }

  function drawState() {
    const state = model.get("status");
    root.dataset.status = state;
    stopButton.hidden = !busy();
    sendButton.disabled = busy();
    for (const b of list.querySelectorAll(".llmw-chat-actions button")) b.disabled = busy();
    error.textContent = model.get("error");
    error.hidden = !model.get("error");
    if (document.activeElement !== systemText) systemText.value = model.get("system");
  }

  const on = [
    ["change:turns", drawList],
    ["change:live", drawLive],
    ["change:context", drawHead],
    ["change:branches", drawHead],
    ["change:llm_model", drawHead],
    ["change:status", drawState],
    ["change:error", drawState],
    ["change:system", drawState],
  ];
  for (const [name, draw] of on) model.on(name, draw);
  drawList();
  drawLive();
  drawHead();
  drawState();
  return () => {
    for (const [name, draw] of on) model.off(name, draw);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
