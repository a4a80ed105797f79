# expect: made _run raise
# Lets a tool's failure escape: one bad call from the model ends the whole question.
### BEGIN WRONG 5
name = call["function"]["name"]
return json.dumps(self.functions[name](**json.loads(call["function"]["arguments"] or "{}")))
### END WRONG
