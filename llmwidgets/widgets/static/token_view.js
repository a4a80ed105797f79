// Tokens as a model sees them. In a tokenizer's view, each token a tinted box (hover: its
// id); in an answer, each token tinted by the model's probability for it (hover: the
// probability and the rivals; click: keep them in view below). Python owns the state.

import { element, percent, visible } from "./kit.js";


function render({ model, el }) {
  el.classList.add("llmw", "llmw-tokens");
  const title = element("div", "llmw-tok-title");
  const body = element("div", "llmw-tok-body");
  const pinned = element("div", "llmw-tok-pinned");
  const note = element("div", "llmw-tok-note");
  const legend = element("div", "llmw-tok-legend");
  el.append(title, legend, body, pinned, note);
  let chosen = null;

  function showRivals(token) {
    pinned.replaceChildren();
    pinned.hidden = !token;
    if (!token) return;
    const head = element("div", "llmw-tok-pinned-head");
    head.append(element("code", "", visible(token.text)), ` ${percent(token.p)} · the model's top choices at this step:`);
    const list = element("ol", "llmw-tok-rivals");
    for (const rival of token.top.length ? token.top : [{ text: token.text, p: token.p }]) {
      const item = element("li");
      const bar = element("span", "llmw-tok-bar");
      bar.style.width = `${Math.max(1, rival.p * 100)}%`;
      if (rival.text === token.text) item.classList.add("llmw-tok-picked");
      item.append(element("code", "", visible(rival.text)), element("span", "llmw-tok-p", percent(rival.p)), bar);
      list.append(item);
    }
    pinned.append(head, list);
  }

  function draw() {
    const mode = model.get("mode");
    el.dataset.mode = mode;
    title.textContent = model.get("title");
    note.textContent = model.get("note");
    note.hidden = !model.get("note");
    legend.hidden = mode !== "logprobs" || !model.get("groups").length;
    legend.replaceChildren(
      element("span", "", "unsure"),
      element("span", "llmw-tok-scale"),
      element("span", "", "sure · hover a token for its rivals, click to keep them"),
    );
    body.replaceChildren(
      ...model.get("groups").map((group) => {
        const line = element("div", "llmw-tok-group");
        if (group.label) line.append(element("span", "llmw-tok-label", `${group.label} · ${group.count}`));
        const tokens = element("div", "llmw-tok-line");
        group.tokens.forEach((token, i) => {
          const box = element("span", "llmw-tok", visible(token.text));
          if (mode === "logprobs") {
            box.style.setProperty("--p", token.p.toFixed(3));
            const rivals = token.top.map((r) => `${JSON.stringify(r.text)} ${percent(r.p)}`).join(", ");
            box.title = `${percent(token.p)}${rivals ? " · rivals: " + rivals : ""}`;
            box.tabIndex = 0;
            const pick = () => {
              chosen = chosen === token ? null : token;
              body.querySelectorAll(".llmw-tok-chosen").forEach((n) => n.classList.remove("llmw-tok-chosen"));
              if (chosen) box.classList.add("llmw-tok-chosen");
              showRivals(chosen);
            };
            box.addEventListener("click", pick);
            box.addEventListener("keydown", (event) => {
              if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                event.stopPropagation(); // the token's, not the notebook's
                pick();
              }
            });
          } else {
            box.dataset.shade = String(i % 4);
            box.title = `id ${token.id}`;
          }
          tokens.append(box);
        });
        line.append(tokens);
        return line;
      }),
    );
    showRivals(null);
  }

  for (const name of ["mode", "title", "groups", "note"]) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of ["mode", "title", "groups", "note"]) model.off(`change:${name}`, draw);
  };
}

export default { render };
