// The chat: the history as data, an answer streaming live, a box to ask the next question.
// Python owns the conversation; this view draws it and sends messages:
// send, stop, edit, delete, fork, rerun, restore, load. It never holds a key.

import { element } from "./kit.js";

function render({ model, el: root }) {
  root.classList.add("llmw", "llmw-chat");

  const head = element("div", "llmw-chat-head");
  const title = element("span", "llmw-chat-model");
  const bar = element("span", "llmw-chat-context");
  const fill = element("span", "llmw-chat-context-fill");
  bar.append(fill);
  const barText = element("span", "llmw-chat-context-text");
  const restore = element("button", "llmw-chat-restore", "Switch branch");
  restore.title = "Go back to the conversation you forked from (this one is kept in its place)";
  restore.addEventListener("click", () => act({ type: "restore" }));
  const copy = element("button", "llmw-chat-copy", "Copy messages");
  copy.title = "The conversation as a JSON `messages` list";
  const loader = element("button", "llmw-chat-load", "Load messages…");
  head.append(title, bar, barText, restore);
  const foot = element("div", "llmw-chat-foot");
  foot.append(copy, loader);

  const system = element("details", "llmw-chat-system");
  const summary = element("summary", null, "System prompt");
  const systemText = element("textarea", "llmw-chat-system-text");
  systemText.rows = 2;
  systemText.addEventListener("change", () => {
    model.set("system", systemText.value);
    model.save_changes();
  });
  system.append(summary, systemText);

  const list = element("div", "llmw-chat-list");
  list.setAttribute("role", "log");
  const live = element("div", "llmw-chat-live");
  const error = element("div", "llmw-chat-error");
  error.setAttribute("role", "alert");

  const ask = element("div", "llmw-chat-ask");
  const box = element("textarea", "llmw-chat-input");
  box.rows = 2;
  box.placeholder = "Ask something. Enter sends, Shift+Enter adds a line, Escape stops.";
  const sendButton = element("button", "llmw-chat-send", "Send");
  const stopButton = element("button", "llmw-chat-stop", "Stop");
  stopButton.title = "Close the stream and keep what has arrived";
  ask.append(box, sendButton, stopButton);

  const loadPanel = element("div", "llmw-chat-load-panel");
  const loadText = element("textarea", "llmw-chat-load-text");
  loadText.rows = 4;
  loadText.placeholder = '[{"role": "system", "content": "..."}, {"role": "user", "content": "..."}]';
  const loadGo = element("button", null, "Load");
  const loadCancel = element("button", null, "Cancel");
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
    const area = element("textarea", "llmw-chat-edit");
    area.value = turn.content;
    area.rows = Math.min(10, turn.content.split("\n").length + 1);
    const save = element("button", null, "Save");
    const cancel = element("button", null, "Cancel");
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
      const row = element("div", "llmw-chat-message");
      row.dataset.role = turn.role;
      const role = element("span", "llmw-chat-role", turn.role);
      const body = element("div", "llmw-chat-text", turn.html ? null : turn.content);
      if (turn.html) {
        body.classList.add("llmw-markdown");
        body.innerHTML = turn.html; // rendered in Python by markdown-it with raw HTML disabled
      }
      const actions = element("span", "llmw-chat-actions");
      const button = (label, title, action) => {
        const b = element("button", null, label);
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
      const top = element("div", "llmw-chat-message-head");
      top.append(role, actions);
      row.append(top, body);
      if (turn.figures) row.append(element("div", "llmw-chat-numbers", turn.figures)); // figures.py
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
    const question = element("div", "llmw-chat-message");
    question.dataset.role = "user";
    question.append(element("span", "llmw-chat-role", "user"), element("div", "llmw-chat-text", now.question));
    const answer = element("div", "llmw-chat-message llmw-chat-streaming");
    answer.dataset.role = "assistant";
    answer.append(element("span", "llmw-chat-role", "assistant"), element("div", "llmw-chat-text", now.text || "…"));
    if (now.figures) answer.append(element("div", "llmw-chat-numbers", now.figures));
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
