# expect: came back as if it were whole: check `status`
# Joins the text but never looks at `status`: a story cut off by max_output_tokens is
# shown as if it were the whole answer.
### BEGIN WRONG
return response.output_text
### END WRONG
