# expect: for a question the check keeps to itself
# Counts shared words: it finds documents that say the same words, not the same thing.
### BEGIN WRONG 2
words = set(question.lower().split())
return max(DOCUMENTS, key=lambda document: len(words & set(document.lower().split())))
### END WRONG
