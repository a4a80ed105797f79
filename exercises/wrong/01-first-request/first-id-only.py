# expect: the provider listed
# Only the first model of the list.
### BEGIN WRONG
ids = [client.models.list().data[0].id]
### END WRONG
