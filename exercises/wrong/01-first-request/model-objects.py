# expect: every model id should be a string
# The Model objects themselves, not their ids.
### BEGIN WRONG
ids = client.models.list().data
### END WRONG
