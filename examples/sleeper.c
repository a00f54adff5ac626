/*
 * sleeper.c - a service stand-in that runs until told to stop.
 *
 *   sleeper [SECONDS]   every 10 ms leaks one 32-byte block at LEAK:tick,
 *                       for SECONDS (default 30) or until SIGTERM; prints
 *                       "sleeper: ready" on stdout once running, and exits 0
 *                       at the end of its time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int seconds = argc > 1 ? atoi(argv[1]) : 30, i;
	void *p;

	if (write(1, "sleeper: ready\n", 15) != 15)
		return 1;
	for (i = 0; i < seconds * 100; i++) {
		p = malloc(32);			/* LEAK:tick */
		(void)p;
		nanosleep(&ts, NULL);
	}
	return 0;
}
