// A key input whose value never enters widget state: it is sent once, as a message, when
// the user presses Enter or "Use key", and the field is cleared at once.

function render({ model, el }) {
  el.classList.add("llmw", "llmw-key");
  const input = document.createElement("input");
  input.type = "password";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.className = "llmw-key-input";
  const use = document.createElement("button");
  use.textContent = "Use key";
  const note = document.createElement("span");
  note.className = "llmw-key-note";
  el.append(input, use, note);

  function submit() {
    const key = input.value.trim();
    input.value = "";
    if (key) model.send({ type: "key", key });
  }
  use.addEventListener("click", submit);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") submit();
  });

  function draw() {
    input.placeholder = model.get("placeholder");
    note.textContent = model.get("source");
    const off = model.get("disabled");
    input.disabled = off;
    use.disabled = off;
  }
  const names = ["placeholder", "source", "disabled"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
