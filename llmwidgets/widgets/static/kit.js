// @ts-check
// The page kit: what every widget's page draws the same way. A widget's module that uses
// it imports it, `import { ... } from "./kit.js";`, and `bundle.module()` puts this file in
// place of that line (anywidget loads a module from a blob, where a relative import cannot resolve),
// so the kit is written once and needs no build step.

/**
 * A new element with a class and text, the one way the pages build their DOM.
 * @param {string} tag
 * @param {string | null} [className]
 * @param {string | null} [text]
 * @returns {HTMLElement}
 */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/**
 * Text with `code` spans where it has backticks, as provider notes name parameters.
 * @param {string} text
 * @param {string} [tag] the element that holds it ("li" in a list of notes)
 * @returns {HTMLElement}
 */
export function withCode(text, tag = "span") {
  const holder = element(tag);
  text.split("`").forEach((part, i) => holder.append(i % 2 ? element("code", null, part) : part));
  return holder;
}

/**
 * A time as figures.py writes it: "412 ms" under a second, "1.23 s" from one.
 * @param {number | null | undefined} seconds
 * @returns {string}
 */
export function duration(seconds) {
  if (seconds == null) return "";
  return seconds < 1 ? `${(seconds * 1000).toFixed(0)} ms` : `${seconds.toFixed(2)} s`;
}

/**
 * A token's probability: "100%" when all but sure, "<0.1%" when all but never.
 * @param {number} p
 * @returns {string}
 */
export function percent(p) {
  return p >= 0.995 ? "100%" : p < 0.001 ? "<0.1%" : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}

/**
 * A token's text with its spaces, tabs and new lines made visible.
 * @param {string} text
 * @returns {string}
 */
export function visible(text) {
  return text.replace(/ /g, "·").replace(/\n/g, "↵\n").replace(/\t/g, "→");
}

/**
 * @typedef {{path: string, message: string}} Problem
 * @typedef {{state?: string, summary?: string, problems?: Problem[]}} Verdict
 */

/**
 * A check's verdict drawn into `into`: its one line (✓, ✗, or … while it is written) and
 * each problem with its path. Written in Python (json_view.py); the page only draws it.
 * @param {HTMLElement} into
 * @param {Verdict} item
 */
export function verdict(into, item) {
  into.dataset.state = item.state || "";
  into.append(element("div", "llmw-verdict", item.summary || ""));
  const problems = item.problems || [];
  if (!problems.length) return;
  const list = element("ul", "llmw-problems");
  for (const problem of problems) {
    const li = element("li");
    li.append(element("code", null, problem.path), `: ${problem.message}`);
    list.append(li);
  }
  into.append(list);
}
