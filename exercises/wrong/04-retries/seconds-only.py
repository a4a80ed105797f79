# expect: could not convert string to float
# Reads Retry-After as a number of seconds; a date breaks it.
### BEGIN WRONG
return float(retry_after)
### END WRONG
