"""pythreads.py [SECONDS [SIZE]] - 8 threads build and drop dicts and
strings for SECONDS (2 by default), then two blocks of SIZE bytes (4242 by
default) are malloc'ed through ctypes: one is kept, its address held in a
ctypes object at module level (reachable), the other is lost, its address
dropped (a direct leak).  Prints on stderr how many dicts were built."""
import ctypes
import sys
import threading
import time

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 4242
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]


def churn(n, out):
    end = time.monotonic() + SECONDS
    rounds = 0
    while time.monotonic() < end:
        d = {str(i) * 3: ("x" * (i % 200)) + str(n) for i in range(500)}
        s = "".join(d.values())
        del d, s
        rounds += 1
    out[n] = rounds


rounds = [0] * 8
threads = [threading.Thread(target=churn, args=(n, rounds)) for n in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()

kept = ctypes.c_void_p(libc.malloc(SIZE))


def lose():
    libc.malloc(SIZE)


lose()
print("pythreads: %d threads ran: %s" % (len(rounds), all(rounds)))
print("rounds: %d" % sum(rounds), file=sys.stderr)
