# expect: documents were embedded more than once
# Right answers, but every question embeds all the documents again.
### BEGIN WRONG 2
vectors = embed([*DOCUMENTS, question])
return DOCUMENTS[int(np.argmax(vectors[:-1] @ vectors[-1]))]
### END WRONG
