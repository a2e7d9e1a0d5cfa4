-- POST /v1/query with the body in $QUERY (a JSON query), and the RESULT line.
wrk.method = "POST"
wrk.body = os.getenv("QUERY")
wrk.headers["Content-Type"] = "application/json"
dofile(os.getenv("REPORT"))
