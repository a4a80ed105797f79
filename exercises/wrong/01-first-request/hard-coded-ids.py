# expect: no model list was requested
# Ids typed from memory: they may not exist on this provider, and nothing was asked.
### BEGIN WRONG
ids = ["gpt-4o-mini", "llama-3.1-8b-instant"]
### END WRONG
