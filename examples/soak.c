/*
 * soak.c - a service stand-in for soak tests: one site that leaks at a
 * steady pace and one cache that fills, then stays full.
 *
 *   soak [SECONDS]   runs SECONDS (default 20), then exits 0
 *
 * Every 100 ms: one 64-byte block leaked at LEAK:steady (640 bytes a
 * second, for good), and 10 entries of 512 bytes put in a cache of 200
 * entries at LEAK:cache: it is full after 2 s, and from then on each new
 * entry replaces the oldest, so its bytes stay at 102400.  `leakreport
 * trend` on its periodic dumps must call the first site growing at about
 * 640 B/s and the second a plateau.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE 200

static void *cache[CACHE];
static int cache_next;
static void *volatile sink;

static void leak_steadily(void)
{
	sink = malloc(64);				/* LEAK:steady */
}

static void cache_put(int key)
{
	char *e = malloc(512);				/* LEAK:cache */

	memset(e, key & 0xff, 512);
	free(cache[cache_next]);
	cache[cache_next] = e;
	cache_next = (cache_next + 1) % CACHE;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	int seconds = argc > 1 ? atoi(argv[1]) : 20, i, k, key = 0;

	for (i = 0; i < seconds * 10; i++) {
		leak_steadily();
		for (k = 0; k < 10; k++)
			cache_put(key++);
		nanosleep(&tick, NULL);
	}
	return 0;
}
