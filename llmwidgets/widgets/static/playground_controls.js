// The Playground's controls: one row per request parameter, built from its spec (Python's
// parameters.CONTROLS, synced as `controls`): a checkbox that sets it, and the inputs its
// kind takes (slider, whole number, token limit, lines, response format, true). A row
// reads and writes its value; what happens when it changes is the page's (`touched`).

import { element } from "./kit.js";

export const FORMATS = ["json_object", "json_schema", "text"];
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

/**
 * One parameter's row: {spec, row, on, notes, inputs, key(), read(), write(v), fallback()}.
 * @param {any} spec the parameter's control, as parameters.CONTROLS has it
 * @param {string[]} limits the names the token limit may go by
 * @param {(row: any, typing?: boolean) => void} touched called when the student changes it
 */
export function control(spec, limits, touched) {
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
      for (const option of limits) which.append(new Option(option, option));
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
  row.append(name, value, notes);
  return r;
}
