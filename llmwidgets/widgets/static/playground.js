// The playground: every request parameter as a control, the exact request beside it.
// Python owns the request: this view sends what the controls hold as `params` (an unset
// control is absent), the prompts, model and provider, and two messages: run and stop.
// Python answers with the request, the code, each control's warnings and the answer.
// It never holds a key.

// The reference's ranges (CreateChatCompletionRequest); `fallback` is the API's default,
// shown greyed while a control is unset, and `start` what ticking it fills in.
const CONTROLS = [
  { name: "temperature", kind: "slider", min: 0, max: 2, step: 0.1, fallback: 1,
    help: "How random the sampling is: 0 takes the likeliest token, 2 is wild." },
  { name: "top_p", kind: "slider", min: 0, max: 1, step: 0.05, fallback: 1,
    help: "Sample only from the likeliest tokens whose probabilities add up to top_p." },
  { name: "max_completion_tokens", kind: "limit", min: 1, start: 256, placeholder: "no limit",
    help: "The most tokens the answer may have: it is cut there, with finish_reason \"length\"." },
  { name: "n", kind: "int", min: 1, max: 8, fallback: 1, start: 2,
    help: "How many answers to sample for the one prompt (you pay for every one)." },
  { name: "stop", kind: "lines",
    help: "Up to 4 sequences, one a line, where the answer stops (\\n stands for a new line)." },
  { name: "frequency_penalty", kind: "slider", min: -2, max: 2, step: 0.1, fallback: 0,
    help: "Above 0, a token is less likely the more often it has appeared already." },
  { name: "presence_penalty", kind: "slider", min: -2, max: 2, step: 0.1, fallback: 0,
    help: "Above 0, a token that has appeared at all is less likely: new topics." },
  { name: "seed", kind: "int", start: 42, placeholder: "random",
    help: "The same seed with the same request samples the same answer, where supported." },
  { name: "response_format", kind: "format",
    help: "Ask for JSON: any object (json_object), or one that fits your schema (json_schema)." },
  { name: "logprobs", kind: "bool",
    help: "Return each token of the answer with its probability." },
  { name: "top_logprobs", kind: "int", min: 0, max: 20, fallback: 0, start: 3,
    help: "Also the likeliest alternatives at each position (needs logprobs)." },
];
const LIMITS = ["max_completion_tokens", "max_tokens"];
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

const seconds = (s) => (s == null ? "" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);
const escapeLines = (text) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
const unescapeLine = (text) =>
  text.replace(/\\(\\|n|t)/g, (_, c) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

// `code` spans for text in backticks, as the provider notes write parameter names.
function withCode(text) {
  const span = el("span");
  text.split("`").forEach((part, i) => span.append(i % 2 ? el("code", null, part) : part));
  return span;
}

// JSON and Python, coloured by a small tokenizer; built from text nodes, never innerHTML.
const TOKENS =
  /("(?:[^"\\]|\\.)*")(\s*:)?|(#[^\n]*)|\b(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\b|\b(true|false|null|True|False|None)\b|\b(import|from|for|in|print)\b/g;
// A parameter the provider ignores or rejects is marked where it is sent, too.
const PARAM_LINE = /^ {2}"(\w+)":|^ {4}(\w+)=/;
function highlight(pre, text, previous, warned) {
  const old = new Set((previous || "").split("\n"));
  const lines = text.split("\n");
  const nodes = lines.map((line) => {
    const row = el("span", "llmw-pg-line");
    if (previous != null && !old.has(line)) row.classList.add("llmw-pg-changed");
    const param = line.match(PARAM_LINE);
    if (param && warned.has(param[1] || param[2])) row.classList.add("llmw-pg-warned");
    let last = 0;
    for (const m of line.matchAll(TOKENS)) {
      row.append(line.slice(last, m.index));
      const kind = m[1] ? (m[2] ? "key" : "string") : m[3] ? "comment" : m[4] ? "number" : m[5] ? "atom" : "keyword";
      row.append(el("span", `llmw-pg-tok-${kind}`, m[1] || m[0]));
      if (m[2]) row.append(m[2]);
      last = m.index + m[0].length;
    }
    row.append(line.slice(last) + "\n");
    return row;
  });
  pre.replaceChildren(...nodes);
}

function render({ model, el: root }) {
  root.classList.add("llmw-pg");

  // -- head: provider, model, and a note on how the provider is reached --------------
  const head = el("div", "llmw-pg-head");
  const title = el("span", "llmw-pg-title", "Playground");
  const providerLabel = el("label", "llmw-pg-field");
  const providerMenu = el("select", "llmw-pg-provider");
  providerLabel.append(el("span", null, "provider"), providerMenu);
  const modelLabel = el("label", "llmw-pg-field");
  const modelBox = el("input", "llmw-pg-model");
  modelBox.setAttribute("list", `llmw-pg-models-${Math.random().toString(36).slice(2)}`);
  modelBox.placeholder = "a model id";
  modelBox.spellcheck = false;
  const modelList = el("datalist");
  modelList.id = modelBox.getAttribute("list");
  modelLabel.append(el("span", null, "model"), modelBox, modelList);
  head.append(title, providerLabel, modelLabel);
  const note = el("div", "llmw-pg-note");

  // -- left: the prompts and a row per parameter -------------------------------------
  const left = el("div", "llmw-pg-controls");
  const systemBox = el("textarea", "llmw-pg-system");
  systemBox.rows = 1;
  systemBox.placeholder = "System message (optional): how the model should behave";
  const promptBox = el("textarea", "llmw-pg-prompt");
  promptBox.rows = 3;
  promptBox.placeholder = "User message: what to ask";
  const prompts = el("div", "llmw-pg-prompts");
  const label = (text, box) => {
    const wrap = el("label", "llmw-pg-prompt-label");
    wrap.append(el("span", null, text), box);
    return wrap;
  };
  prompts.append(label("system", systemBox), label("user", promptBox));

  const grid = el("div", "llmw-pg-grid");
  const rows = CONTROLS.map((spec) => makeRow(spec));
  const byName = Object.fromEntries(rows.map((r) => [r.spec.name, r]));
  for (const r of rows) grid.append(r.row);

  const error = el("div", "llmw-pg-error");
  error.setAttribute("role", "alert");
  const actions = el("div", "llmw-pg-actions");
  const runButton = el("button", "llmw-pg-run", "Run");
  runButton.title = "Send the request and stream the answer (Ctrl+Enter or ⌘+Enter)";
  const stopButton = el("button", "llmw-pg-stop", "Stop");
  stopButton.title = "Close the stream and keep what has arrived (Escape)";
  const keys = el("span", "llmw-pg-keys", "Ctrl+Enter runs · Escape stops");
  actions.append(runButton, stopButton, keys);
  left.append(prompts, grid, error, actions);

  // -- right: the request as JSON, or as Python -------------------------------------
  const right = el("div", "llmw-pg-request");
  const tabs = el("div", "llmw-pg-tabs");
  const jsonTab = el("button", "llmw-pg-tab", "Request JSON");
  const codeTab = el("button", "llmw-pg-tab", "Python");
  const copyJson = el("button", "llmw-pg-copy llmw-pg-copy-json", "Copy JSON");
  copyJson.title = "The request body, as sent (the key travels in a header: it is not here)";
  const copyCode = el("button", "llmw-pg-copy llmw-pg-copy-code", "Copy as code");
  copyCode.title = "The same call with the openai SDK: client.chat.completions.create(...)";
  tabs.append(jsonTab, codeTab);
  const pre = el("pre", "llmw-pg-pre");
  pre.tabIndex = 0;
  const copyRow = el("div", "llmw-pg-copy-row");
  const copyHint = el("span", "llmw-pg-copy-hint");
  copyRow.append(copyHint, copyJson, copyCode);
  right.append(tabs, pre, copyRow);

  const body = el("div", "llmw-pg-body");
  body.append(left, right);

  // -- below: the answer --------------------------------------------------------------
  const answerBox = el("div", "llmw-pg-answer");
  const answerHead = el("div", "llmw-pg-answer-head");
  const badge = el("span", "llmw-pg-badge");
  const numbers = el("span", "llmw-pg-numbers");
  answerHead.append(badge, numbers);
  const choices = el("div", "llmw-pg-choices");
  const runError = el("div", "llmw-pg-run-error");
  runError.setAttribute("role", "alert");
  const tokens = el("div", "llmw-pg-tokens");
  answerBox.append(answerHead, choices, runError, tokens);

  root.append(head, note, body, answerBox);

  // -- one row per parameter ----------------------------------------------------------
  function makeRow(spec) {
    const row = el("div", "llmw-pg-row");
    row.dataset.param = spec.name;
    const name = el("label", "llmw-pg-name");
    const on = el("input");
    on.type = "checkbox";
    on.title = "Set: send this parameter. Unset: leave it out of the request.";
    name.title = spec.help;
    const value = el("div", "llmw-pg-value");
    const notes = el("div", "llmw-pg-notes");
    const r = { spec, row, on, notes, inputs: [] };
    let keyName = spec.name;
    r.key = () => keyName;

    const number = (attrs) => {
      const box = el("input", "llmw-pg-number");
      box.type = "number";
      for (const [k, v] of Object.entries(attrs)) if (v != null) box[k] = v;
      return box;
    };
    const readNumber = (box) => (box.value === "" ? "" : Number(box.value));

    if (spec.kind === "slider") {
      const range = el("input", "llmw-pg-range");
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
      name.append(on, el("span", null, spec.name));
    } else if (spec.kind === "int" || spec.kind === "limit") {
      const box = number({ min: spec.min, max: spec.max, step: 1, placeholder: spec.placeholder });
      box.addEventListener("input", () => touched(r, true));
      value.append(box);
      r.inputs = [box];
      r.read = () => readNumber(box);
      r.write = (v) => (box.value = v);
      if (spec.kind === "limit") {
        const which = el("select", "llmw-pg-which");
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
        name.append(on, el("span", null, spec.name));
      }
    } else if (spec.kind === "lines") {
      const area = el("textarea", "llmw-pg-lines");
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
      name.append(on, el("span", null, spec.name));
    } else if (spec.kind === "format") {
      const kind = el("select", "llmw-pg-format");
      for (const option of FORMATS) kind.append(new Option(option, option));
      const schema = el("textarea", "llmw-pg-schema");
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
      name.append(on, el("span", null, spec.name));
    } else if (spec.kind === "bool") {
      const shown = el("span", "llmw-pg-true", "true");
      value.append(shown);
      let stored = true; // what Python holds (false from code stays false)
      r.read = () => stored;
      r.write = (v) => {
        stored = v !== false;
        shown.textContent = String(stored);
      };
      name.append(on, el("span", null, spec.name));
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
          const line = el("div", `llmw-pg-${kind}`);
          line.append(el("span", "llmw-pg-icon", kind === "warn" ? "⚠" : "✕"), withCode(text));
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
    const usage = answer.usage || {};
    const parts = [];
    if (answer.model) parts.push(answer.model);
    if (answer.ttft_s != null) parts.push(`first token ${seconds(answer.ttft_s)}`);
    if (answer.tokens_per_s != null) parts.push(`${answer.tokens_per_s.toFixed(1)} tokens/s`);
    if (usage.total_tokens != null) {
      const mark = answer.estimated ? "~" : "";
      parts.push(`${mark}${usage.prompt_tokens} + ${mark}${usage.completion_tokens} tokens`);
    }
    if (answer.cost) parts.push(answer.cost);
    numbers.textContent = parts.join(" · ");
    // A call refused outright has no text: no empty card for it.
    const list = (answer.choices || []).filter((c) => c.text || busy() || c.finish_reason);
    const cards = list.map((choice, index) => {
      const card = el("div", "llmw-pg-choice");
      if (list.length > 1) card.append(el("div", "llmw-pg-choice-head", `choice ${index}`));
      const text = el("div", "llmw-pg-text", choice.text || (busy() ? "…" : ""));
      card.append(text);
      if (choice.finish_reason) {
        const reason = el("div", "llmw-pg-finish", `finish_reason: ${choice.finish_reason}`);
        reason.dataset.reason = choice.finish_reason;
        card.append(reason);
      }
      return card;
    });
    if (!cards.length && busy()) cards.push(el("div", "llmw-pg-choice llmw-pg-waiting", "waiting for the first token…"));
    choices.replaceChildren(...cards);
    choices.dataset.count = String(list.length);
    runError.textContent = answer.error || "";
    runError.hidden = !answer.error;
    const probs = answer.logprobs || [];
    tokens.hidden = !probs.length;
    if (probs.length) {
      const title = el("div", "llmw-pg-tokens-head", "logprobs: each token of choice 0 and its probability (hover for the alternatives)");
      const chips = probs.map((t) => {
        const chip = el("span", "llmw-pg-token");
        const visible = t.token.replace(/\n/g, "↵").replace(/ /g, "·");
        chip.append(el("span", "llmw-pg-token-text", visible), el("span", "llmw-pg-token-p", `${(t.p * 100).toFixed(t.p < 0.1 ? 1 : 0)}%`));
        chip.style.setProperty("--p", t.p.toFixed(3));
        chip.title = [`${JSON.stringify(t.token)} ${(t.p * 100).toFixed(1)}%`, ...(t.top || []).map((a) => `  ${JSON.stringify(a.token)} ${(a.p * 100).toFixed(1)}%`)].join("\n");
        return chip;
      });
      const strip = el("div", "llmw-pg-token-list");
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
