// A quiz: prompts and choices from the model; a pick is sent to the kernel, which answers
// with a verdict. Nothing the student picks is written to the model (saved state).

let quizzes = 0;

function render({ model, el }) {
  const id = `llmw-quiz-${++quizzes}`;
  el.classList.add("llmw", "llmw-quiz");
  const score = document.createElement("div");
  score.className = "llmw-quiz-score";
  score.setAttribute("aria-live", "polite");
  const right = new Map(); // question -> answered right on the latest try

  const questions = model.get("questions").map((question, q) => {
    const set = document.createElement("fieldset");
    set.className = "llmw-quiz-question";
    const legend = document.createElement("legend");
    legend.innerHTML = `<span class="llmw-quiz-number">${q + 1}</span>${question.prompt}`;
    set.append(legend);
    question.choices.forEach((choice, c) => {
      const label = document.createElement("label");
      label.className = "llmw-quiz-choice";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = `${id}-${q}`;
      input.value = String(c);
      input.addEventListener("change", () => model.send({ type: "answer", question: q, choice: c }));
      const text = document.createElement("span");
      text.innerHTML = choice; // rendered in Python by markdown-it with raw HTML disabled
      label.append(input, text);
      set.append(label);
    });
    const feedback = document.createElement("div");
    feedback.className = "llmw-quiz-feedback";
    feedback.setAttribute("aria-live", "polite");
    feedback.hidden = true;
    set.append(feedback);
    el.append(set);
    return { set, feedback };
  });
  el.append(score);

  function onMessage(message) {
    if (message?.type !== "verdict") return;
    const target = questions[message.question];
    if (!target) return;
    right.set(message.question, message.correct);
    target.set.dataset.verdict = message.correct ? "right" : "wrong";
    target.feedback.hidden = false;
    target.feedback.innerHTML =
      `<b>${message.correct ? "✓ Right." : "✗ Not quite."}</b> ${message.why}`;
    const done = [...right.values()];
    score.textContent = `${done.filter(Boolean).length} of ${questions.length} right`;
  }
  model.on("msg:custom", onMessage);
  return () => model.off("msg:custom", onMessage);
}

export default { render };
