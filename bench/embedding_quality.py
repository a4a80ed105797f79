"""Which embedding does the sandbox serve? Scores each candidate on one small labelled set.

    python bench/embedding_quality.py

Two labelled tasks, written for this bench (short, everyday English, as in the curriculum):

- triplets: an anchor, a sentence that means much the same and one about something else;
  the score is the share of triplets where the related sentence is the closer one.
- search: eight short documents and sixteen questions, each labelled with the document that
  answers it; the score is top-1 accuracy, the tiny semantic search notebook 14 builds.

Also prints the mean cosine of related and of unrelated pairs (the gap is what a student
sees) and the time to embed everything. Figures, not a test: nothing here can fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

TRIPLETS = [
    ("cat", "kitten", "stock market"),
    ("dog", "puppy", "interest rates"),
    ("car", "automobile", "banana"),
    ("The cat sat on the mat.", "A kitten was resting on the rug.", "Stocks fell sharply today."),
    ("How do I reset my password?", "I forgot my login password.", "What time does the shop open?"),
    ("The weather is sunny and warm.", "It is a bright, hot day.", "The printer is out of ink."),
    ("He plays the guitar in a band.", "He is a musician.", "She repaired the kitchen sink."),
    ("The train was late again.", "My train got delayed.", "I baked a chocolate cake."),
    ("Paris is the capital of France.", "France's capital city is Paris.", "Water boils at 100 C."),
    ("I love eating pizza.", "Pizza is my favourite food.", "The meeting starts at nine."),
    ("The doctor examined the patient.", "A physician checked the sick man.", "Kids built a fort."),
    ("Python is a programming language.", "People write code in Python.", "The river flooded."),
    ("She is reading a novel.", "She has a book in her hands.", "He is mowing the lawn."),
    ("The bank raised interest rates.", "Borrowing money got more expensive.", "The dog barked."),
    ("It is raining heavily.", "There is a downpour outside.", "The laptop battery is full."),
    ("The movie was boring.", "I did not enjoy the film.", "The bridge was painted red."),
]

DOCUMENTS = {
    "tea": "Green tea is brewed with water below boiling, for two to three minutes.",
    "bikes": "To fix a flat bicycle tyre, remove the tube, find the hole and apply a patch.",
    "python": "In Python, a list comprehension builds a new list from an iterable in one line.",
    "moon": "The Moon orbits the Earth about once every 27 days and has no atmosphere.",
    "bread": "Bread dough rises because yeast ferments sugar and releases carbon dioxide.",
    "sleep": "Adults need seven to nine hours of sleep a night to stay healthy.",
    "taxes": "You must file your income tax return by the deadline to avoid a penalty.",
    "football": "A football match has two halves of forty-five minutes each.",
}

QUESTIONS = [
    ("How long should I steep green tea?", "tea"),
    ("What temperature water for tea?", "tea"),
    ("My bike has a puncture, what do I do?", "bikes"),
    ("How to repair a bicycle wheel tube", "bikes"),
    ("How do I make a list in one line of code?", "python"),
    ("python list comprehension example", "python"),
    ("How long does the Moon take to go around us?", "moon"),
    ("Does the Moon have air?", "moon"),
    ("Why does dough get bigger?", "bread"),
    ("What does yeast do in baking?", "bread"),
    ("How many hours should I sleep?", "sleep"),
    ("Is six hours of rest enough for a grown-up?", "sleep"),
    ("When is the tax filing deadline?", "taxes"),
    ("What happens if I pay my taxes late?", "taxes"),
    ("How long is a soccer game?", "football"),
    ("How many halves in a football match?", "football"),
]

Embed = Callable[[list[str]], np.ndarray]


def score(embed: Embed) -> dict[str, float]:
    started = time.perf_counter()
    a, p, n = (embed([t[i] for t in TRIPLETS]) for i in range(3))
    related, unrelated = (a * p).sum(1), (a * n).sum(1)
    docs = embed(list(DOCUMENTS.values()))
    questions = embed([q for q, _ in QUESTIONS])
    best = (questions @ docs.T).argmax(1)
    labels = list(DOCUMENTS)
    hits = sum(labels[b] == answer for b, (_, answer) in zip(best, QUESTIONS, strict=True))
    return {
        "triplets": float((related > unrelated).mean()),
        "search@1": hits / len(QUESTIONS),
        "cos related": float(related.mean()),
        "cos unrelated": float(unrelated.mean()),
        "seconds": time.perf_counter() - started,
    }


def unit(rows: list[list[float]]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float64)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def candidates() -> dict[str, Embed]:
    from llama_cpp import LLAMA_POOLING_TYPE_LAST, LLAMA_POOLING_TYPE_MEAN, Llama

    from llmwidgets.sandbox.embedder import Embedder
    from llmwidgets.sandbox.engine import default_model_path

    def smollm2(pooling: int) -> Embed:
        llm = Llama(
            str(default_model_path()),
            n_ctx=512,
            n_batch=512,
            n_ubatch=512,
            embedding=True,
            pooling_type=pooling,
            verbose=False,
        )
        return lambda texts: unit(llm.embed(texts, normalize=True))

    minilm = Embedder()
    return {
        "smollm2-135m, mean pooling": smollm2(LLAMA_POOLING_TYPE_MEAN),
        "smollm2-135m, last token": smollm2(LLAMA_POOLING_TYPE_LAST),
        "all-MiniLM-L6-v2 (numpy)": lambda texts: np.asarray(minilm.embed(texts)),
    }


def main() -> None:
    print(f"{len(TRIPLETS)} triplets, {len(QUESTIONS)} questions over {len(DOCUMENTS)} documents")
    header = f"{'candidate':32} {'triplets':>8} {'search@1':>8} {'cos rel':>8} {'cos unrel':>9}"
    print(header + f" {'seconds':>8}")
    for name, embed in candidates().items():
        s = score(embed)
        print(
            f"{name:32} {s['triplets']:8.2f} {s['search@1']:8.2f} {s['cos related']:8.3f}"
            f" {s['cos unrelated']:9.3f} {s['seconds']:8.2f}"
        )


if __name__ == "__main__":
    main()
