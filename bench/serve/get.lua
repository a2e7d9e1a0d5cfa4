-- GET the URL given to wrk, and the RESULT line.
dofile(os.getenv("REPORT"))
