# expect: for a question the check keeps to itself
# Always the same document: right only by luck.
### BEGIN WRONG 2
return DOCUMENTS[0]
### END WRONG
