# expect: for a question the check keeps to itself
# argmin instead of argmax: the least similar document.
### BEGIN WRONG 2
scores = document_vectors @ embed([question])[0]
return DOCUMENTS[int(np.argmin(scores))]
### END WRONG
