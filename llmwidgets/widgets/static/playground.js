// The playground: every request parameter as a control, the exact request beside it.
// Python owns the request: this view sends what the controls hold as `params` (an unset
// control is absent), the prompts, model and provider, and two messages: run and stop.
// Python answers with the request, the code, each control's warnings and the answer.
// It never holds a key.

import { element, withCode } from "./kit.js";
import { control } from "./playground_controls.js";
import { answerPane, choiceCards, endpointColumn, headPane, highlight, logprobChips, requestPane } from "./playground_panes.js";

function render({ model, el: root }) {
  root.classList.add("llmw", "llmw-pg");

  // -- head: provider, model, and a note on how the provider is reached --------------
  const { head, providerMenu, modelBox, modelList, note } = headPane();

  // -- left: the prompts and a row per parameter -------------------------------------
  const left = element("div", "llmw-pg-controls");
  const systemBox = element("textarea", "llmw-pg-system");
  systemBox.rows = 1;
  systemBox.placeholder = "System message (optional): how the model should behave";
  const promptBox = element("textarea", "llmw-pg-prompt");
  promptBox.rows = 3;
  promptBox.placeholder = "User message: what to ask";
  const prompts = element("div", "llmw-pg-prompts");
  const label = (text, box) => {
    const wrap = element("label", "llmw-pg-prompt-label");
    wrap.append(element("span", null, text), box);
    return wrap;
  };
  prompts.append(label("system", systemBox), label("user", promptBox));

  const grid = element("div", "llmw-pg-grid");
  // Each parameter's control, with the reference's range and default: parameters.CONTROLS.
  const controls = model.get("controls");
  const LIMITS = controls.find((spec) => spec.kind === "limit").names;
  const rows = controls.map((spec) => makeRow(spec));
  const byName = Object.fromEntries(rows.map((r) => [r.spec.name, r]));
  for (const r of rows) grid.append(r.row);

  const error = element("div", "llmw-pg-error");
  error.setAttribute("role", "alert");
  const actions = element("div", "llmw-pg-actions");
  const runButton = element("button", "llmw-pg-run", "Run");
  runButton.title = "Send the request and stream the answer (Ctrl+Enter or ⌘+Enter)";
  const stopButton = element("button", "llmw-pg-stop", "Stop");
  stopButton.title = "Close the stream and keep what has arrived (Escape)";
  const keys = element("span", "llmw-pg-keys", "Ctrl+Enter runs · Escape stops");
  actions.append(runButton, stopButton, keys);
  left.append(prompts, grid, error, actions);

  // -- right: the request as JSON, or as Python -------------------------------------
  const { right, apiButtons, apiNote, jsonTab, codeTab, bothTab, copyJson, copyCode, pre, both, copyRow, copyHint } =
    requestPane();

  const body = element("div", "llmw-pg-body");
  body.append(left, right);

  // -- below: the answer --------------------------------------------------------------
  const { answerBox, badge, numbers, choices, runError, tokens } = answerPane();

  root.append(head, note, body, answerBox);

  // -- one row per parameter ----------------------------------------------------------
  function makeRow(spec) {
    const r = control(spec, LIMITS, touched);
    const on = r.on;
    on.addEventListener("change", () => {
      if (!on.checked && spec.name === "logprobs") byName.top_logprobs.on.checked = false;
      if (on.checked && spec.name === "top_logprobs") byName.logprobs.on.checked = true;
      if (on.checked && spec.kind === "bool") r.write(true); // checking it asks for it
      if (on.checked && spec.start != null) {
        const now = r.read();
        if (now === "" || now === spec.fallback) r.write(spec.start);
      }
      drawSet();
      dirty.add(r);
      if (spec.name === "logprobs" || spec.name === "top_logprobs") {
        dirty.add(byName.logprobs).add(byName.top_logprobs);
      }
      send();
    });
    return r;
  }

  // A control the student changed is set, and sent (typing: after a short pause).
  let timer = null;
  const dirty = new Set(); // rows changed in the page since the last send
  function touched(r, typing = false) {
    dirty.add(r);
    if (!r.on.checked) {
      r.on.checked = true;
      if (r.spec.name === "top_logprobs") byName.logprobs.on.checked = true;
    }
    drawSet();
    if (typing) {
      clearTimeout(timer);
      timer = setTimeout(send, 250);
    } else send();
  }
  function drawSet() {
    for (const r of rows) r.row.dataset.set = r.on.checked ? "yes" : "no";
  }
  // What Python holds, changed only where the page was touched: a value set from code
  // that no control shows exactly (logprobs=False, a schema's name, both token limits,
  // a seed past 2**53) stays as it was.
  function collect() {
    const params = { ...(model.get("params") || {}) };
    for (const r of rows) {
      const names = r.spec.kind === "limit" ? LIMITS : [r.key()];
      if (!r.on.checked) {
        for (const name of names) delete params[name];
      } else if (dirty.has(r) || !names.some((name) => name in params)) {
        for (const name of names) delete params[name];
        params[r.key()] = r.read();
      }
    }
    dirty.clear();
    return params;
  }
  function send() {
    clearTimeout(timer);
    timer = null;
    model.set("params", collect());
    model.save_changes();
  }

  // -- the prompts and the model: sent as typed, after a short pause ------------------
  let textTimer = null;
  const pending = {};
  function flushText() {
    clearTimeout(textTimer);
    textTimer = null;
    const names = Object.keys(pending);
    if (!names.length) return;
    for (const name of names) model.set(name, pending[name]);
    for (const name of names) delete pending[name];
    model.save_changes();
  }
  const typed = (name, box) =>
    box.addEventListener("input", () => {
      pending[name] = box.value;
      clearTimeout(textTimer);
      textTimer = setTimeout(flushText, 250);
    });
  typed("system", systemBox);
  typed("prompt", promptBox);
  modelBox.addEventListener("change", () => {
    model.set("llm_model", modelBox.value.trim());
    model.save_changes();
  });
  providerMenu.addEventListener("change", () => {
    const chosen = providerMenu.value; // read first: setting the note redraws the menu
    model.set({ provider: chosen, note: "Connecting…" }); // Python's own note replaces it
    model.save_changes();
  });

  // -- running --------------------------------------------------------------------------
  const busy = () => ["waiting", "streaming"].includes(model.get("status"));
  function run() {
    if (busy()) return;
    if (timer) send();
    flushText();
    if (modelBox.value.trim() !== model.get("llm_model")) {
      model.set("llm_model", modelBox.value.trim());
      model.save_changes();
    }
    model.send({ type: "run" });
  }
  const stop = () => model.send({ type: "stop" });
  runButton.addEventListener("click", run);
  stopButton.addEventListener("click", stop);
  // Ctrl/Cmd+Enter runs and Escape stops from anywhere in the playground; neither goes on
  // to JupyterLab (which would run the cell, or leave edit mode).
  root.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      event.stopPropagation();
      run();
    } else if (event.key === "Escape" && busy()) {
      event.preventDefault();
      event.stopPropagation();
      stop();
    }
  });

  // -- the request pane: JSON, Python, or both endpoints; and copying -------------------
  let showing = "json";
  let shown = { json: null, code: null };
  const textOf = (which) =>
    which === "json" ? JSON.stringify(model.get("request"), null, 2) : model.get("code");
  function drawRequest() {
    const api = model.get("api");
    for (const button of apiButtons) button.setAttribute("aria-pressed", String(button.dataset.api === api));
    apiNote.textContent = model.get("api_note") || "";
    apiNote.hidden = !model.get("api_note");
    for (const [tab, which] of [[jsonTab, "json"], [codeTab, "code"], [bothTab, "both"]]) {
      tab.setAttribute("aria-selected", String(showing === which));
    }
    pre.hidden = copyRow.hidden = showing === "both";
    both.hidden = showing !== "both";
    if (showing === "both") {
      const sides = model.get("both") || {};
      both.replaceChildren(
        ...[["chat", "/chat/completions"], ["responses", "/responses"]].map(([name, path]) =>
          endpointColumn(path, sides[name] || {}, name === api, copyText),
        ),
      );
      return;
    }
    const text = textOf(showing);
    highlight(pre, text, shown[showing], new Set(Object.keys(model.get("warnings") || {})));
    shown = { json: textOf("json"), code: textOf("code") };
    pre.dataset.showing = showing;
  }
  const show = (which) => {
    if (showing !== which && which !== "both") shown[which] = null; // no flashing lines on switching tabs
    showing = which;
    drawRequest();
  };
  jsonTab.addEventListener("click", () => show("json"));
  codeTab.addEventListener("click", () => show("code"));
  bothTab.addEventListener("click", () => show("both"));
  for (const button of apiButtons) {
    button.addEventListener("click", () => {
      model.set("api", button.dataset.api);
      model.save_changes();
    });
  }
  // Copy `text`; with no clipboard here (an insecure origin, or no permission), select
  // `where` instead, for the student to copy by hand.
  async function copyText(text, button, label, where) {
    copyHint.textContent = "";
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied ✓";
    } catch {
      const range = document.createRange();
      range.selectNodeContents(where);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      where.focus();
      copyHint.textContent = "Selected: press Ctrl+C (⌘+C) to copy.";
    }
    setTimeout(() => (button.textContent = label), 1500);
  }
  function copy(which, button, label) {
    show(which);
    copyText(textOf(which), button, label, pre);
  }
  copyJson.addEventListener("click", () => copy("json", copyJson, "Copy JSON"));
  copyCode.addEventListener("click", () => copy("code", copyCode, "Copy as code"));

  // -- drawing what Python says ----------------------------------------------------------
  function drawHead() {
    const items = model.get("providers") || [];
    providerMenu.replaceChildren(
      ...items.map((p) => new Option(p.hint ? `${p.label} — ${p.hint}` : p.label, p.id)),
    );
    providerMenu.value = model.get("provider");
    modelList.replaceChildren(...(model.get("models") || []).map((id) => new Option(id, id)));
    if (document.activeElement !== modelBox) modelBox.value = model.get("llm_model");
    note.textContent = model.get("note");
    note.hidden = !model.get("note");
    root.dataset.provider = model.get("provider");
  }

  function drawControls() {
    const params = model.get("params") || {};
    for (const r of rows) {
      let key = r.spec.name;
      if (r.spec.kind === "limit") {
        key = LIMITS.find((k) => k in params) || r.key();
        r.choose(key);
      }
      const focused = r.inputs.includes(document.activeElement);
      r.on.checked = key in params;
      if (focused) continue; // the student is typing here: their text stays
      if (key in params && params[key] != null) r.write(params[key]);
      else if (!(key in params)) r.fallback();
    }
    drawSet();
    if (document.activeElement !== systemBox && !("system" in pending)) systemBox.value = model.get("system");
    if (document.activeElement !== promptBox && !("prompt" in pending)) promptBox.value = model.get("prompt");
  }

  function drawNotes() {
    const warnings = model.get("warnings") || {};
    const problems = model.get("problems") || {};
    for (const r of rows) {
      const names = r.spec.kind === "limit" ? LIMITS : [r.spec.name];
      const lines = [];
      for (const n of names) {
        for (const w of warnings[n] || []) lines.push(["warn", w]);
        if (problems[n]) lines.push(["problem", `${n} ${problems[n]}: not sent.`]);
      }
      r.notes.replaceChildren(
        ...lines.map(([kind, text]) => {
          const line = element("div", `llmw-pg-${kind}`);
          line.append(element("span", "llmw-pg-icon", kind === "warn" ? "⚠" : "✕"), withCode(text));
          return line;
        }),
      );
      r.notes.hidden = !lines.length;
      r.row.dataset.warned = lines.some(([k]) => k === "warn") ? "yes" : "no";
    }
    error.textContent = model.get("error");
    error.hidden = !model.get("error");
  }

  function drawAnswer() {
    const answer = model.get("answer") || {};
    const status = model.get("status");
    root.dataset.status = status;
    runButton.disabled = busy();
    stopButton.hidden = !busy();
    providerMenu.disabled = busy();
    answerBox.dataset.status = answer.status || "idle";
    if (!answer.status) {
      badge.textContent = "no answer yet";
      numbers.textContent = "Run sends the request on the right; the answer streams in here.";
      choices.replaceChildren();
      runError.hidden = true;
      tokens.hidden = true;
      return;
    }
    badge.textContent = answer.status;
    numbers.textContent = answer.figures || ""; // written in Python (figures.py)
    const { cards, count } = choiceCards(answer.choices || [], busy());
    choices.replaceChildren(...cards);
    choices.dataset.count = String(count);
    runError.textContent = answer.error || "";
    runError.hidden = !answer.error;
    const probs = answer.logprobs || [];
    tokens.hidden = !probs.length;
    if (probs.length) tokens.replaceChildren(...logprobChips(probs));
  }

  const on = [
    ["change:providers", drawHead],
    ["change:provider", drawHead],
    ["change:models", drawHead],
    ["change:llm_model", drawHead],
    ["change:note", drawHead],
    ["change:params", drawControls],
    ["change:system", drawControls],
    ["change:prompt", drawControls],
    ["change:warnings", drawNotes],
    ["change:warnings", drawRequest],
    ["change:problems", drawNotes],
    ["change:error", drawNotes],
    ["change:request", drawRequest],
    ["change:code", drawRequest],
    ["change:both", drawRequest],
    ["change:api", drawRequest],
    ["change:api_note", drawRequest],
    ["change:answer", drawAnswer],
    ["change:status", drawAnswer],
  ];
  for (const [name, handler] of on) model.on(name, handler);
  drawHead();
  drawControls();
  drawNotes();
  drawRequest();
  drawAnswer();
  return () => {
    clearTimeout(timer);
    clearTimeout(textTimer);
    for (const [name, handler] of on) model.off(name, handler);
  };
}

export default { render };
