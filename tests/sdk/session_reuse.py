"""Together's documented session-reuse example, run with Together's own
Python SDK against a TCI server given as the first argument (its /v1 base).

`run` is the 1.x SDK's method (the form in Together's docs), `execute` the
current SDK's. Prints what the example prints, then the session listing.
"""

import sys

from together import Together

base_url, method = sys.argv[1], sys.argv[2]
client = Together(api_key="not-needed-locally", base_url=base_url)
run = getattr(client.code_interpreter, method)

response = run(code="x = 42", language="python")
session_id = response.data.session_id

response = run(code='print(f"The value of x is {x}")', language="python", session_id=session_id)
for output in response.data.outputs:
    print(output.data, end="")

if method == "execute":
    listed = client.code_interpreter.sessions.list()
    ids = [session.id for session in listed.data.sessions]
    print("listed:", session_id in ids)
