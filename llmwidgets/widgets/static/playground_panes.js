// The Playground's panes: the request as coloured JSON or Python, and the answer's
// choices and logprob chips. Built from text nodes, never innerHTML.

import { element, percent, visible } from "./kit.js";

// JSON and Python, coloured by a small tokenizer; built from text nodes, never innerHTML.
const TOKENS =
  /("(?:[^"\\]|\\.)*")(\s*:)?|(#[^\n]*)|\b(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\b|\b(true|false|null|True|False|None)\b|\b(import|from|for|in|print)\b/g;
// A parameter the provider ignores or rejects is marked where it is sent, too.
const PARAM_LINE = /^ {2}"(\w+)":|^ {4}(\w+)=/;
export function highlight(pre, text, previous, warned) {
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


/**
 * The answer's choices as cards, each with why it ended; while streaming, a card waits.
 * A call refused outright has no text: no empty card for it.
 * @param {{text?: string, finish_reason?: string, label?: string}[]} choices
 * @param {boolean} busy
 * @returns {{cards: HTMLElement[], count: number}}
 */
export function choiceCards(choices, busy) {
  const list = choices.filter((c) => c.text || busy || c.finish_reason);
  const cards = list.map((choice, index) => {
    const card = element("div", "llmw-pg-choice");
    if (list.length > 1) card.append(element("div", "llmw-pg-choice-head", `choice ${index}`));
    card.append(element("div", "llmw-pg-text", choice.text || (busy ? "…" : "")));
    if (choice.finish_reason) {
      const reason = element("div", "llmw-pg-finish", `${choice.label || "finish_reason"}: ${choice.finish_reason}`);
      reason.dataset.reason = choice.finish_reason;
      card.append(reason);
    }
    return card;
  });
  if (!cards.length && busy) cards.push(element("div", "llmw-pg-choice llmw-pg-waiting", "waiting for the first token…"));
  return { cards, count: list.length };
}

/**
 * The first choice's tokens as chips tinted by probability (hover: the alternatives).
 * @param {{text: string, p: number, top: {text: string, p: number}[]}[]} probs
 * @returns {HTMLElement[]} a title, then the strip of chips
 */
export function logprobChips(probs) {
  const title = element("div", "llmw-pg-tokens-head", "logprobs: each token of choice 0 and its probability (hover for the alternatives)");
  const strip = element("div", "llmw-pg-token-list");
  for (const t of probs) {
    const chip = element("span", "llmw-pg-token");
    chip.append(element("span", "llmw-pg-token-text", visible(t.text)), element("span", "llmw-pg-token-p", percent(t.p)));
    chip.style.setProperty("--p", t.p.toFixed(3));
    const rivals = t.top.map((a) => `  ${JSON.stringify(a.text)} ${percent(a.p)}`);
    chip.title = [`${JSON.stringify(t.text)} ${percent(t.p)}`, ...rivals].join("\n");
    strip.append(chip);
  }
  return [title, strip];
}

/** The head: the title, the provider menu and the model box, and a note under them. */
export function headPane() {
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
  return { head, providerMenu, modelBox, modelList, note };
}

/** The request pane: which endpoint Run sends to, tabs for JSON, Python and both
 * endpoints side by side, the text, and copy buttons. */
export function requestPane() {
  const right = element("div", "llmw-pg-request");
  const endpoint = element("div", "llmw-pg-endpoint");
  endpoint.setAttribute("role", "group");
  endpoint.setAttribute("aria-label", "the endpoint Run sends to");
  endpoint.append(element("span", "llmw-pg-endpoint-label", "Run sends to"));
  const apiButtons = [
    ["chat", "/chat/completions", "Chat Completions: messages in, choices out"],
    ["responses", "/responses", "The Responses API: input in, output items out"],
  ].map(([api, text, title]) => {
    const button = element("button", "llmw-pg-api", text);
    button.dataset.api = api;
    button.title = title;
    endpoint.append(button);
    return button;
  });
  const apiNote = element("div", "llmw-pg-api-note");
  const tabs = element("div", "llmw-pg-tabs");
  tabs.setAttribute("role", "tablist");
  const jsonTab = element("button", "llmw-pg-tab", "Request JSON");
  const codeTab = element("button", "llmw-pg-tab", "Python");
  const bothTab = element("button", "llmw-pg-tab", "Both endpoints");
  bothTab.title = "The same request as /chat/completions and as /responses, side by side";
  for (const tab of [jsonTab, codeTab, bothTab]) tab.setAttribute("role", "tab");
  const copyJson = element("button", "llmw-pg-copy llmw-pg-copy-json", "Copy JSON");
  copyJson.title = "The request body, as sent (the key travels in a header: it is not here)";
  const copyCode = element("button", "llmw-pg-copy llmw-pg-copy-code", "Copy as code");
  copyCode.title = "The same call with the openai SDK";
  tabs.append(jsonTab, codeTab, bothTab);
  const pre = element("pre", "llmw-pg-pre");
  pre.tabIndex = 0;
  const both = element("div", "llmw-pg-both");
  both.hidden = true;
  const copyRow = element("div", "llmw-pg-copy-row");
  const copyHint = element("span", "llmw-pg-copy-hint");
  copyRow.append(copyHint, copyJson, copyCode);
  right.append(endpoint, apiNote, tabs, pre, both, copyRow);
  return { right, apiButtons, apiNote, jsonTab, codeTab, bothTab, copyJson, copyCode, pre, both, copyRow, copyHint };
}

/**
 * One endpoint's column in the side-by-side view: its path, its body (or why it cannot
 * take this request), and buttons to copy its JSON or its Python.
 * @param {string} path
 * @param {{body?: object, code?: string, error?: string}} side
 * @param {boolean} chosen
 * @param {(text: string, button: HTMLButtonElement, label: string, pre: HTMLElement) => void} copy
 * @returns {HTMLElement}
 */
export function endpointColumn(path, side, chosen, copy) {
  const column = element("section", "llmw-pg-side");
  column.dataset.chosen = chosen ? "yes" : "no";
  column.append(element("h5", "llmw-pg-side-head", `POST ${path}${chosen ? " · Run sends this" : ""}`));
  if (side.error) {
    column.append(element("div", "llmw-pg-side-error", side.error));
    return column;
  }
  const pre = element("pre", "llmw-pg-pre llmw-pg-side-pre");
  pre.tabIndex = 0;
  highlight(pre, JSON.stringify(side.body, null, 2), null, new Set());
  const row = element("div", "llmw-pg-copy-row");
  for (const [label, text] of [["Copy JSON", JSON.stringify(side.body, null, 2)], ["Copy as code", side.code || ""]]) {
    const button = /** @type {HTMLButtonElement} */ (element("button", "llmw-pg-copy", label));
    button.addEventListener("click", () => copy(text, button, label, pre));
    row.append(button);
  }
  column.append(pre, row);
  return column;
}

/** The answer: a badge and the figures line, the choices, an error, the chips. */
export function answerPane() {
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
  return { answerBox, badge, numbers, choices, runError, tokens };
}
