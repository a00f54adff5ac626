"""psyleak.py - a psycopg2 client: leaks 3 connections, closes 2, takes a
live dump of itself with the shim's default signal (RTMIN+3), waits for it
and exits.  Python closes the leaked connections itself at exit, so the
leak shows in the live dump, not in the exit dump."""
import glob
import os
import signal
import sys
import time

import psycopg2

keep = [psycopg2.connect("") for _ in range(3)]      # leaked until exit
for _ in range(2):
    c = psycopg2.connect("")
    cur = c.cursor()
    cur.execute("select 1")
    cur.fetchall()
    c.close()
os.kill(os.getpid(), signal.SIGRTMIN + 3)
pattern = sys.argv[1] % os.getpid()
for _ in range(200):
    if glob.glob(pattern):
        break
    time.sleep(0.05)
print("psyleak: done")
