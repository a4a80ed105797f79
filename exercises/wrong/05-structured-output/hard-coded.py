# expect: no request asked for this schema
# The right values, typed by hand: no model was asked.
### BEGIN WRONG
import json

text = json.dumps({"name": "Grace Hopper", "email": "grace@example.org", "city": "Arlington"})
### END WRONG
