"""ctypesleak.py - a client that calls libpq through a dlopen handle
(ctypes), as psycopg 3's pure-Python implementation does: opens three
connections and finishes two; runs two queries and clears one result."""
import ctypes

pq = ctypes.CDLL("libpq.so.5")
pq.PQconnectdb.restype = ctypes.c_void_p
pq.PQconnectdb.argtypes = [ctypes.c_char_p]
pq.PQstatus.argtypes = [ctypes.c_void_p]
pq.PQfinish.argtypes = [ctypes.c_void_p]
pq.PQexec.restype = ctypes.c_void_p
pq.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
pq.PQclear.argtypes = [ctypes.c_void_p]

conns = [pq.PQconnectdb(b"") for _ in range(3)]
assert all(pq.PQstatus(c) == 0 for c in conns)
kept = pq.PQexec(conns[0], b"select 1")           # never cleared
pq.PQclear(pq.PQexec(conns[1], b"select 2"))
pq.PQfinish(conns[1])
pq.PQfinish(conns[2])
print("ctypesleak: done")
