// The embeddings explorer: a similarity heatmap, a 2-D map of the texts, and a query box
// whose nearest texts are marked on both. Python embeds; the page draws and sends
// {type: "query", text}.

import { element } from "./kit.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  return node;
}

const short = (text, n = 28) => (text.length > n ? text.slice(0, n - 1) + "…" : text);

function render({ model, el }) {
  el.classList.add("llmw", "llmw-embed");
  const title = element("div", "llmw-embed-title");
  const error = element("div", "llmw-embed-error");
  const panes = element("div", "llmw-embed-panes");
  const heat = element("div", "llmw-embed-heat");
  const map = element("div", "llmw-embed-map");
  panes.append(heat, map);
  const search = element("form", "llmw-embed-search");
  const box = element("input");
  box.placeholder = "Type a query and press Enter: its nearest texts are marked";
  box.setAttribute("aria-label", "query");
  box.value = model.get("query"); // a view drawn anew shows the last query
  const found = element("ol", "llmw-embed-found");
  search.append(box);
  const ask = () => box.value.trim() && model.send({ type: "query", text: box.value });
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    ask();
  });
  // Enter here is the query's, not the notebook's (which would take it as a command).
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      event.stopPropagation();
      ask();
    }
  });
  const hint = element("div", "llmw-embed-hint");
  el.append(title, error, search, found, panes, hint);

  function drawHeat(texts, matrix, near) {
    const n = texts.length;
    const grid = element("div", "llmw-embed-grid");
    grid.style.gridTemplateColumns = `minmax(6em, 14em) repeat(${n}, minmax(12px, 30px))`;
    grid.append(element("span"));
    for (let j = 0; j < n; j++) grid.append(element("span", "llmw-embed-col", String(j + 1)));
    matrix.forEach((row, i) => {
      const label = element("span", "llmw-embed-row", `${i + 1}. ${short(texts[i])}`);
      label.title = texts[i];
      if (near.has(i)) label.classList.add("llmw-embed-near");
      grid.append(label);
      row.forEach((v, j) => {
        const cell = element("span", "llmw-embed-cell");
        cell.style.setProperty("--v", Math.max(0, Math.min(1, v)).toFixed(3));
        cell.title = `${v.toFixed(2)} · "${texts[i]}" and "${texts[j]}"`;
        cell.addEventListener("mouseenter", () => (hint.textContent = cell.title));
        grid.append(cell);
      });
    });
    heat.replaceChildren(element("div", "llmw-embed-caption", "cosine similarity (1: same direction)"), grid);
  }

  function drawMap(texts, points, query, near) {
    const all = query.length ? [...points, query] : points;
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const W = 360, H = 260, pad = 24;
    const sx = (x) => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
    const sy = (y) => H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
    const plot = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "llmw-embed-svg", role: "img" });
    plot.append(svg("title", {}));
    plot.firstChild.textContent = "the texts on their two main directions (PCA)";
    if (query.length) {
      for (const i of near) {
        plot.append(svg("line", { x1: sx(query[0]), y1: sy(query[1]), x2: sx(points[i][0]), y2: sy(points[i][1]), class: "llmw-embed-link" }));
      }
    }
    points.forEach(([x, y], i) => {
      const dot = svg("circle", { cx: sx(x), cy: sy(y), r: 5, class: near.has(i) ? "llmw-embed-dot llmw-embed-near" : "llmw-embed-dot" });
      const tip = svg("title", {});
      tip.textContent = texts[i];
      dot.append(tip);
      const label = svg("text", { x: sx(x) + 7, y: sy(y) + 4, class: "llmw-embed-label" });
      label.textContent = `${i + 1}`;
      plot.append(dot, label);
    });
    if (query.length) {
      const q = svg("rect", { x: sx(query[0]) - 5, y: sy(query[1]) - 5, width: 10, height: 10, class: "llmw-embed-query" });
      plot.append(q);
    }
    map.replaceChildren(element("div", "llmw-embed-caption", "the texts on a map (their two main directions)"), plot);
  }

  function draw() {
    const texts = model.get("texts");
    title.textContent = model.get("title");
    error.textContent = model.get("error");
    error.hidden = !model.get("error");
    const neighbours = model.get("neighbours");
    const near = new Set(neighbours.map((n) => n.index));
    found.replaceChildren(
      ...neighbours.map((n) => {
        const item = element("li");
        item.append(element("span", "llmw-embed-score", n.score.toFixed(3)), ` ${texts[n.index]}`);
        return item;
      }),
    );
    found.hidden = !neighbours.length;
    const matrix = model.get("matrix");
    panes.hidden = !matrix.length;
    search.hidden = !matrix.length;
    if (!matrix.length) return;
    drawHeat(texts, matrix, near);
    drawMap(texts, model.get("points"), model.get("query_point"), near);
  }

  const names = ["title", "texts", "matrix", "points", "query_point", "neighbours", "error"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
