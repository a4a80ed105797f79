// The playground: every request parameter as a control, the exact request beside it.
// Python owns the request: this view sends what the controls hold as `params` (an unset
// control is absent), the prompts, model and provider, and two messages: run and stop.
// Python answers with the request, the code, each control's warnings and the answer.
// It never holds a key.

import { element, percent, visible, withCode } from "./kit.js";

const FORMATS = ["json_object", "json_schema", "text"];
const EXAMPLE_SCHEMA = JSON.stringify(
  {
    type: "object",
    properties: { colour: { type: "string" }, why: { type: "string" } },
    required: ["colour", "why"],
  },
  null,
  2,
);

const escapeLines = (text) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
const unescapeLine = (text) =>
  text.replace(/\\(\\|n|t)/g, (_, c) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));

// JSON and Python, coloured by a small tokenizer; built from text nodes, never innerHTML.
const TOKENS =
  /("(?:[^"\\]|\\.)*")(\s*:)?|(#[^\n]*)|\b(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\b|\b(true|false|null|True|False|None)\b|\b(import|from|for|in|print)\b/g;
// A parameter the provider ignores or rejects is marked where it is sent, too.
const PARAM_LINE = /^ {2}"(\w+)":|^ {4}(\w+)=/;
function highlight(pre, text, previous, warned) {
  const old = new Set((previous || "").split("\n"));
  const lines = text.split("\n");
  const nodes = lines.map((line) => {
    const row = element("span", "llmw-pg-line");
    if (previous != null && !old.has(line)) row.classList.add("llmw-pg-changed");
    const param = line.match(PARAM_LINE);
    if (param && warned.has(param[1] || param[2])) row.classList.add("llmw-pg-warned");
    let last = 0;
    for (const m of line.matchAll(TOKENS)) {
      row.append(line.slice(last, m.index));
      const kind = m[1] ? (m[2] ? "key" : "string") : m[3] ? "comment" : m[4] ? "number" : m[5] ? "atom" : "keyword";
      row.append(element("span", `llmw-pg-tok-${kind}`, m[1] || m[0]));
      if (m[2]) row.append(m[2]);
      last = m.index + m[0].length;
    }
    row.append(line.slice(last) + "\n");
    return row;
  });
  pre.replaceChildren(...nodes);
}

function render({ model, el: root }) {
  root.classList.add("llmw", "llmw-pg");

  // -- head: provider, model, and a note on how the provider is reached --------------
  const head = element("div", "llmw-pg-head");
  const title = element("span", "llmw-pg-title", "Playground");
  const providerLabel = element("label", "llmw-pg-field");
  const providerMenu = element("select", "llmw-pg-provider");
  providerLabel.append(element("span", null, "provider"), providerMenu);
  const modelLabel = element("label", "llmw-pg-field");
  const modelBox = element("input", "llmw-pg-model");
  modelBox.setAttribute("list", `llmw-pg-models-${Math.random().toString(36).slice(2)}`);
  modelBox.placeholder = "a model id";
  modelBox.spellcheck = false;
  const modelList = element("datalist");
  modelList.id = modelBox.getAttribute("list");
  modelLabel.append(element("span", null, "model"), modelBox, modelList);
  head.append(title, providerLabel, modelLabel);
  const note = element("div", "llmw-pg-note");

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
  const right = element("div", "llmw-pg-request");
  const tabs = element("div", "llmw-pg-tabs");
  const jsonTab = element("button", "llmw-pg-tab", "Request JSON");
  const codeTab = element("button", "llmw-pg-tab", "Python");
  const copyJson = element("button", "llmw-pg-copy llmw-pg-copy-json", "Copy JSON");
  copyJson.title = "The request body, as sent (the key travels in a header: it is not here)";
  const copyCode = element("button", "llmw-pg-copy llmw-pg-copy-code", "Copy as code");
  copyCode.title = "The same call with the openai SDK: client.chat.completions.create(...)";
  tabs.append(jsonTab, codeTab);
  const pre = element("pre", "llmw-pg-pre");
  pre.tabIndex = 0;
  const copyRow = element("div", "llmw-pg-copy-row");
  const copyHint = element("span", "llmw-pg-copy-hint");
  copyRow.append(copyHint, copyJson, copyCode);
  right.append(tabs, pre, copyRow);

  const body = element("div", "llmw-pg-body");
  body.append(left, right);

  // -- below: the answer --------------------------------------------------------------
  const answerBox = element("div", "llmw-pg-answer");
  const answerHead = element("div", "llmw-pg-answer-head");
  const badge = element("span", "llmw-pg-badge");
  const numbers = element("span", "llmw-pg-numbers");
  answerHead.append(badge, numbers);
  const choices = element("div", "llmw-pg-choices");
  const runError = element("div", "llmw-pg-run-error");
  runError.setAttribute("role", "alert");
  const tokens = element("div", "llmw-pg-tokens");
  answerBox.append(answerHead, choices, runError, tokens);

  root.append(head, note, body, answerBox);

  // -- one row per parameter ----------------------------------------------------------
  function makeRow(spec) {
    const row = element("div", "llmw-pg-row");
    row.dataset.param = spec.name;
    const name = element("label", "llmw-pg-name");
    const on = element("input");
    on.type = "checkbox";
    on.title = "Set: send this parameter. Unset: leave it out of the request.";
    name.title = spec.help;
    const value = element("div", "llmw-pg-value");
    const notes = element("div", "llmw-pg-notes");
    const r = { spec, row, on, notes, inputs: [] };
    let keyName = spec.name;
    r.key = () => keyName;

    const number = (attrs) => {
      const box = element("input", "llmw-pg-number");
      box.type = "number";
      for (const [k, v] of Object.entries(attrs)) if (v != null) box[k] = v;
      return box;
    };
    const readNumber = (box) => (box.value === "" ? "" : Number(box.value));

    if (spec.kind === "slider") {
      const range = element("input", "llmw-pg-range");
      Object.assign(range, { type: "range", min: spec.min, max: spec.max, step: spec.step });
      const box = number({ step: spec.step });
      range.addEventListener("input", () => {
        box.value = range.value;
        touched(r);
      });
      box.addEventListener("input", () => {
        if (box.value !== "") range.value = box.value;
        touched(r, true);
      });
      value.append(range, box);
      r.inputs = [range, box];
      r.read = () => readNumber(box);
      r.write = (v) => {
        box.value = v;
        range.value = v;
      };
      name.append(on, element("span", null, spec.name));
    } else if (spec.kind === "int" || spec.kind === "limit") {
      const box = number({ min: spec.min, max: spec.max, step: 1, placeholder: spec.placeholder });
      box.addEventListener("input", () => touched(r, true));
      value.append(box);
      r.inputs = [box];
      r.read = () => readNumber(box);
      r.write = (v) => (box.value = v);
      if (spec.kind === "limit") {
        const which = element("select", "llmw-pg-which");
        for (const option of LIMITS) which.append(new Option(option, option));
        which.title = "max_tokens is the older name; newer (reasoning) models take max_completion_tokens";
        which.addEventListener("change", () => {
          keyName = which.value;
          touched(r);
        });
        r.inputs.push(which);
        r.choose = (key) => {
          keyName = key;
          which.value = key;
        };
        name.append(on, which);
      } else {
        name.append(on, element("span", null, spec.name));
      }
    } else if (spec.kind === "lines") {
      const area = element("textarea", "llmw-pg-lines");
      area.rows = 1;
      area.placeholder = "one sequence a line, e.g. \\n\\n";
      area.spellcheck = false;
      const fit = () => (area.rows = Math.min(4, Math.max(1, area.value.split("\n").length)));
      area.addEventListener("input", () => {
        fit();
        touched(r, true);
      });
      value.append(area);
      r.inputs = [area];
      r.read = () => area.value.split("\n").filter((l) => l !== "").map(unescapeLine);
      r.write = (v) => {
        area.value = (Array.isArray(v) ? v : [v]).map(escapeLines).join("\n");
        fit();
      };
      name.append(on, element("span", null, spec.name));
    } else if (spec.kind === "format") {
      const kind = element("select", "llmw-pg-format");
      for (const option of FORMATS) kind.append(new Option(option, option));
      const schema = element("textarea", "llmw-pg-schema");
      schema.rows = 5;
      schema.spellcheck = false;
      schema.value = EXAMPLE_SCHEMA;
      const showSchema = () => (schema.hidden = kind.value !== "json_schema");
      kind.addEventListener("change", () => {
        showSchema();
        touched(r);
      });
      schema.addEventListener("input", () => touched(r, true));
      value.append(kind, schema);
      r.inputs = [kind, schema];
      r.read = () =>
        kind.value === "json_schema"
          ? { type: "json_schema", json_schema: { name: "answer", schema: schema.value } }
          : { type: kind.value };
      r.write = (v) => {
        const type = typeof v === "string" ? v : v && v.type;
        if (FORMATS.includes(type)) kind.value = type;
        const given = v && v.json_schema && v.json_schema.schema;
        if (given != null && document.activeElement !== schema) {
          schema.value = typeof given === "string" ? given : JSON.stringify(given, null, 2);
        }
        showSchema();
      };
      showSchema();
      name.append(on, element("span", null, spec.name));
    } else if (spec.kind === "bool") {
      const shown = element("span", "llmw-pg-true", "true");
      value.append(shown);
      let stored = true; // what Python holds (false from code stays false)
      r.read = () => stored;
      r.write = (v) => {
        stored = v !== false;
        shown.textContent = String(stored);
      };
      name.append(on, element("span", null, spec.name));
    }
    r.fallback = () => {
      if (spec.fallback != null) r.write(spec.fallback);
      else if (spec.kind === "int" || spec.kind === "limit" || spec.kind === "lines") r.write("");
    };
    r.fallback();
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
    row.append(name, value, notes);
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

  // -- the request pane: JSON or Python, and copying ------------------------------------
  let showing = "json";
  let shown = { json: null, code: null };
  const textOf = (which) =>
    which === "json" ? JSON.stringify(model.get("request"), null, 2) : model.get("code");
  function drawRequest() {
    const text = textOf(showing);
    highlight(pre, text, shown[showing], new Set(Object.keys(model.get("warnings") || {})));
    shown = { json: textOf("json"), code: textOf("code") };
    jsonTab.setAttribute("aria-selected", String(showing === "json"));
    codeTab.setAttribute("aria-selected", String(showing === "code"));
    pre.dataset.showing = showing;
  }
  const show = (which) => {
    if (showing !== which) shown[which] = null; // no flashing lines on switching tabs
    showing = which;
    drawRequest();
  };
  jsonTab.addEventListener("click", () => show("json"));
  codeTab.addEventListener("click", () => show("code"));
  async function copy(which, button, label) {
    show(which);
    copyHint.textContent = "";
    try {
      await navigator.clipboard.writeText(textOf(which));
      button.textContent = "Copied ✓";
    } catch {
      // No clipboard here (an insecure origin, or no permission): select it to copy by hand.
      const range = document.createRange();
      range.selectNodeContents(pre);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      pre.focus();
      copyHint.textContent = "Selected: press Ctrl+C (⌘+C) to copy.";
    }
    setTimeout(() => (button.textContent = label), 1500);
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
    // A call refused outright has no text: no empty card for it.
    const list = (answer.choices || []).filter((c) => c.text || busy() || c.finish_reason);
    const cards = list.map((choice, index) => {
      const card = element("div", "llmw-pg-choice");
      if (list.length > 1) card.append(element("div", "llmw-pg-choice-head", `choice ${index}`));
      const text = element("div", "llmw-pg-text", choice.text || (busy() ? "…" : ""));
      card.append(text);
      if (choice.finish_reason) {
        const reason = element("div", "llmw-pg-finish", `finish_reason: ${choice.finish_reason}`);
        reason.dataset.reason = choice.finish_reason;
        card.append(reason);
      }
      return card;
    });
    if (!cards.length && busy()) cards.push(element("div", "llmw-pg-choice llmw-pg-waiting", "waiting for the first token…"));
    choices.replaceChildren(...cards);
    choices.dataset.count = String(list.length);
    runError.textContent = answer.error || "";
    runError.hidden = !answer.error;
    const probs = answer.logprobs || [];
    tokens.hidden = !probs.length;
    if (probs.length) {
      const title = element("div", "llmw-pg-tokens-head", "logprobs: each token of choice 0 and its probability (hover for the alternatives)");
      const chips = probs.map((t) => {
        const chip = element("span", "llmw-pg-token");
        chip.append(element("span", "llmw-pg-token-text", visible(t.text)), element("span", "llmw-pg-token-p", percent(t.p)));
        chip.style.setProperty("--p", t.p.toFixed(3));
        chip.title = [`${JSON.stringify(t.text)} ${percent(t.p)}`, ...t.top.map((a) => `  ${JSON.stringify(a.text)} ${percent(a.p)}`)].join("\n");
        return chip;
      });
      const strip = element("div", "llmw-pg-token-list");
      strip.append(...chips);
      tokens.replaceChildren(title, strip);
    }
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
