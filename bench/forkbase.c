/*
 * forkbase.c - the floor for a live dump's pause: how long a plain fork()
 * of a process with MIB MiB of touched heap takes, without the shim.
 *
 *   forkbase MIB    prints the time of 3 forks
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "now.h"

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 1024, i;
	double t, d;
	char *p;
	pid_t c;
	int k;

	for (i = 0; i < mib * 16; i++) {
		p = malloc(64 * 1024);
		memset(p, 1, 64 * 1024);
	}
	for (k = 0; k < 3; k++) {
		t = now();
		c = fork();
		if (c == 0)
			_exit(0);
		d = now() - t;
		waitpid(c, NULL, 0);
		printf("plain fork, heap %ld MiB: %.2f ms\n", mib, d * 1e3);
	}
	return 0;
}
