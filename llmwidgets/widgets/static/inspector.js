// The inspector: one row per HTTP exchange; open one to see its request, its response and,
// for a stream, the timeline of its server-sent events. Python owns the state; the page
// only draws it (and copies the curl and Python it was given).

import { duration, element } from "./kit.js";

const ms = (v) => duration(v == null ? v : v / 1000); // the wire's times come in ms
const KINDS = ["sent", "headers", "first byte", "first token", "chunk", "event", "usage", "done"];

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select and copy below"; // no clipboard (http, permissions)
  }
  setTimeout(() => (button.textContent = button.dataset.label), 1500);
}

// Headers every request carries for the transport or the SDK's own bookkeeping: folded,
// so that the ones a student should read (the key, the content type, the limits) stand out.
const ROUTINE = /^(x-stainless-|accept-encoding$|connection$|content-length$|host$|user-agent$|date$|server$|transfer-encoding$)/;

function headerTable(rows) {
  const box = element("div");
  const table = element("table", "llmw-insp-headers");
  const more = element("table", "llmw-insp-headers");
  for (const [name, value, marked] of rows) {
    const row = element("tr");
    if (marked) row.className = "llmw-insp-marked";
    row.append(element("th", "", name), element("td", "", value));
    (ROUTINE.test(name) && !marked ? more : table).append(row);
  }
  box.append(table);
  if (more.rows.length) {
    const toggle = element("button", "llmw-insp-more", `${more.rows.length} more (transport and SDK)`);
    more.hidden = true;
    toggle.addEventListener("click", () => {
      more.hidden = !more.hidden;
      toggle.textContent = more.hidden ? `${more.rows.length} more (transport and SDK)` : "fewer";
    });
    box.append(toggle, more);
  }
  return box;
}

function timelineView(x) {
  const box = element("div", "llmw-insp-timeline");
  const marks = x.marks || [];
  if (!marks.length) return box;
  const end = Math.max(...marks.map((m) => m[0]), 1);
  const strip = element("div", "llmw-insp-strip");
  strip.title = "each tick is one moment of the exchange; hover for what it was";
  for (const [t, kind, text] of marks) {
    const tick = element("span", "llmw-insp-tick");
    tick.dataset.kind = kind;
    tick.style.left = `${(100 * t) / end}%`;
    tick.title = `${ms(t)} · ${kind}${text ? " · " + text : ""}`;
    strip.append(tick);
  }
  const legend = element("div", "llmw-insp-legend");
  for (const kind of KINDS) {
    if (!marks.some((m) => m[1] === kind)) continue;
    const key = element("span", "llmw-insp-key", kind);
    key.dataset.kind = kind;
    legend.append(key);
  }
  const list = element("ol", "llmw-insp-marks");
  for (const [t, kind, text] of marks) {
    const item = element("li");
    item.dataset.kind = kind;
    item.append(element("span", "llmw-insp-t", ms(t)), element("span", "llmw-insp-kind", kind), element("code", "", text));
    list.append(item);
  }
  box.append(strip, element("div", "llmw-insp-axis", `0 … ${ms(end)}`), legend, list);
  return box;
}

function details(x) {
  const box = element("div", "llmw-insp-details");
  if (x.facts) box.append(element("div", "llmw-insp-facts", x.facts)); // written in Python

  const request = element("section", "llmw-insp-part");
  request.append(element("h4", "", "Request"), headerTable(x.request_headers));
  if (x.body) request.append(element("pre", "llmw-insp-body", x.body));
  const response = element("section", "llmw-insp-part");
  response.append(element("h4", "", `Response ${x.status ?? "(none yet)"}`), headerTable(x.response_headers));
  if (x.reply) response.append(element("pre", "llmw-insp-body", x.reply));
  const parts = element("div", "llmw-insp-parts");
  parts.append(request, response);
  box.append(parts);
  if (x.streamed) box.append(element("h4", "", "Stream timeline"), timelineView(x));

  const actions = element("div", "llmw-insp-actions");
  const shown = element("pre", "llmw-insp-code");
  shown.hidden = true;
  for (const [label, text] of [["Copy as curl", x.curl], ["Copy as Python", x.python]]) {
    const button = element("button", "", label);
    button.dataset.label = label;
    button.addEventListener("click", () => {
      shown.textContent = text;
      shown.hidden = false;
      copy(text, button);
    });
    actions.append(button);
  }
  box.append(actions, shown);
  return box;
}

function render({ model, el }) {
  el.classList.add("llmw", "llmw-inspector");
  const head = element("div", "llmw-insp-head");
  const title = element("b", "", "Inspector");
  const state = element("span", "llmw-insp-state");
  head.append(title, state);
  const list = element("div", "llmw-insp-list");
  el.append(head, list);
  // One <details> per exchange, kept across redraws: a click is never lost to a redraw,
  // and an open row is drawn again only when what it shows has changed.
  const rows = [];

  function row(i) {
    if (rows[i]) return rows[i];
    const item = element("details", "llmw-insp-item");
    const summary = element("summary", "llmw-insp-summary");
    // Toggled here: inside a notebook's output the page's own click handling can swallow
    // a <summary>'s default action (Enter and Space click it too).
    summary.addEventListener("click", (event) => {
      event.preventDefault();
      item.open = !item.open;
    });
    item.append(summary);
    const r = { item, summary, body: null, drawn: "", x: null };
    item.open = model.get("opened").includes(i); // a view drawn anew opens what was open
    item.addEventListener("toggle", () => {
      if (item.open) fill(r, i);
      const opened = new Set(model.get("opened"));
      if (item.open === opened.has(i)) return;
      item.open ? opened.add(i) : opened.delete(i);
      model.set("opened", [...opened]);
      model.save_changes();
    });
    list.append(item);
    rows[i] = r;
    return r;
  }

  function fill(r, i) {
    const x = r.x;
    // Opened: Python reads the exchange now (a stream's events are parsed only then).
    if (x.ended && !Object.keys(x.figures || {}).length) model.send({ type: "open", index: i });
    const drawn = JSON.stringify([x.status, x.ended, x.figures, (x.marks || []).length, x.reply.length]);
    if (drawn === r.drawn && r.body) return;
    r.drawn = drawn;
    const body = details(x);
    if (r.body) r.body.replaceWith(body);
    else r.item.append(body);
    r.body = body;
  }

  function draw() {
    const exchanges = model.get("exchanges");
    const retries = exchanges.filter((x) => x.attempt > 0).length;
    const watching = model.get("watching") ? "watching · " : "";
    state.textContent = `${watching}${exchanges.length} request${exchanges.length === 1 ? "" : "s"}${retries ? ` · ${retries} retr${retries === 1 ? "y" : "ies"}` : ""}`;
    exchanges.forEach((x, i) => {
      const r = row(i);
      r.x = x;
      r.item.dataset.status = x.status == null ? "pending" : x.status < 400 ? "ok" : "error";
      const status = element("span", "llmw-insp-status", x.status == null ? "…" : String(x.status));
      const parts = [status, element("span", "llmw-insp-method", x.method), element("span", "llmw-insp-url", x.url)];
      if (x.attempt > 0) parts.push(element("span", "llmw-insp-retry", `retry ${x.attempt}${x.waited_ms != null ? ` after ${ms(x.waited_ms)}` : ""}`));
      if (x.streamed) parts.push(element("span", "llmw-insp-badge", x.ended ? "stream" : "streaming…"));
      if (x.total_ms != null) parts.push(element("span", "llmw-insp-time", ms(x.total_ms)));
      r.summary.replaceChildren(...parts);
      if (r.item.open) fill(r, i);
    });
    while (rows.length > exchanges.length) rows.pop().item.remove();
  }

  model.on("change:exchanges", draw);
  model.on("change:watching", draw);
  draw();
  return () => {
    model.off("change:exchanges", draw);
    model.off("change:watching", draw);
  };
}

export default { render };
