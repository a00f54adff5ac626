/*
 * torture.c - programs that do what hosts do to preloaded allocators:
 * signal storms, fork and vfork from threads, a thousand threads, dlclose,
 * tiny stacks, closed stderr, address-space limits.  One mode per run
 * (argv[1]); t700-torture.sh runs each under the shim and checks that the
 * program behaves as without it and that the dump says exactly what the
 * program leaked.  Every mode checks its own results and prints one line;
 * a failed check prints "FAIL ..." and exits 1.
 *
 * Leaks are made at lines marked "LEAK:name" so the test finds the line.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

extern char **environ;
static void *volatile sink;
static volatile int stop;

static void fail(const char *what)
{
	printf("FAIL %s\n", what);
	fflush(stdout);
	_exit(1);
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * A worker that allocates, fills, checks and frees blocks until `stop`:
 * if the shim ever handed out a block twice or scribbled on one, the
 * pattern check fails.  Sizes start at 40, so glibc's smallest size class
 * (requests up to 24 bytes) is left to the storm's signal handler.
 */
static void *churn(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	unsigned char *b[16] = { 0 };
	unsigned long n = 0;
	size_t size, i;
	int k;

	while (!stop) {
		k = (int)(n % 16);
		if (b[k]) {
			size = malloc_usable_size(b[k]);
			for (i = 0; i < 24 && i < size; i++)
				if (b[k][i] != (unsigned char)(id + k))
					fail("a block changed under its owner");
			free(b[k]);
		}
		size = 40 + (n * 37) % 2000;
		b[k] = malloc(size);
		if (!b[k])
			fail("malloc returned NULL");
		memset(b[k], (int)(id + k), size);
		n++;
	}
	for (k = 0; k < 16; k++)
		free(b[k]);
	return NULL;
}

static void start_churn(pthread_t *t, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)i))
			fail("pthread_create");
}

static void stop_churn(pthread_t *t, int n)
{
	int i;

	stop = 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	stop = 0;
}

/* --- storm: thousands of dump signals and a handler that allocates --- */

static volatile sig_atomic_t usr1_seen;

/*
 * Not async-signal-safe, and common: the shim must not deadlock, whether
 * the signal lands in the program or inside the shim holding its locks.
 * glibc itself deadlocks when a handler's malloc needs the arena lock the
 * interrupted free holds (how this test once hung in CI, in glibc), so the
 * handler asks for 16 bytes, a size class the workers never use, which
 * glibc's per-thread cache serves without a lock once the thread has
 * freed such a block (storm_worker does, before it takes signals).
 */
static void on_usr1(int sig)
{
	void *p = malloc(16);

	(void)sig;
	free(p);
	usr1_seen++;
}

static void warm_handler_class(void)
{
	sigset_t usr1;

	free(malloc(16));
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
}

static void *storm_worker(void *arg)
{
	void *keep;

	warm_handler_class();
	churn(arg);
	keep = malloc(1000 + (uintptr_t)arg);	/* LEAK:storm */
	sink = keep;
	return NULL;
}

static int mode_storm(int n)
{
	pthread_t t[8];
	int i, dump_sig = SIGRTMIN + 3;
	sigset_t usr1;

	signal(SIGUSR1, on_usr1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);	/* the workers inherit it */
	for (i = 0; i < 8; i++)
		if (pthread_create(&t[i], NULL, storm_worker,
				   (void *)(uintptr_t)i))
			fail("pthread_create");
	warm_handler_class();
	for (i = 0; i < n; i++) {
		pthread_kill(t[i % 8], i % 2 ? SIGUSR1 : dump_sig);
		pthread_kill(pthread_self(), i % 3 ? SIGUSR1 : dump_sig);
		nap_us(100);
	}
	stop = 1;
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("storm: %d signals, handler ran: %s\n", 2 * n,
	       usr1_seen > 0 ? "yes" : "no");
	return 0;
}

/* --- swap: a handler frees and replaces the block of the thread it
 * interrupted, often while that thread is inside the shim --- */

static __thread void *volatile swap_slot;
static volatile sig_atomic_t swaps;

static void on_swap(int sig)
{
	(void)sig;
	free(swap_slot);
	swap_slot = malloc(16);	/* SWAP:handler */
	swaps++;
}

static void *swap_worker(void *arg)
{
	swap_slot = malloc(16);	/* SWAP:worker */
	warm_handler_class();
	churn(arg);
	free(swap_slot);
	return NULL;
}

static int mode_swap(int n)
{
	pthread_t t[4];
	sigset_t usr1;
	int i;

	signal(SIGUSR1, on_swap);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, swap_worker,
				   (void *)(uintptr_t)i))
			fail("pthread_create");
	for (i = 0; i < n; i++) {
		pthread_kill(t[i % 4], SIGUSR1);
		nap_us(50);
	}
	stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("swap: %d signals, handler ran: %s\n", n,
	       swaps > 0 ? "yes" : "no");
	return 0;
}

/* --- forks: fork from threads while others allocate --- */

static void prepare_allocates(void)
{
	/* A handler registered after the shim's runs before it in fork. */
	free(malloc(64));
}

static void child_allocates(void)
{
	free(malloc(64));
}

static void *exit_from_thread(void *arg)
{
	(void)arg;
	exit(0);
}

static void fork_child(int i)
{
	pthread_t t;
	char *p = malloc(1000);

	if (!p)
		fail("malloc in the child");
	memset(p, 1, 1000);
	free(p);
	if (i % 10 == 9) {
		/* exit() from a thread that is not the one that forked */
		pthread_create(&t, NULL, exit_from_thread, NULL);
		pthread_join(t, NULL);
	}
	if (i % 2)
		exit(0);
	_exit(0);
}

static void *forker(void *arg)
{
	int n = (int)(uintptr_t)arg, i, st, bad = 0;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			fail("fork");
		if (pid == 0)
			fork_child(i);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			bad++;
	}
	return (void *)(uintptr_t)bad;
}

static int mode_forks(int n)
{
	pthread_t t[4], f;
	void *bad_thread;
	uintptr_t bad;

	pthread_atfork(prepare_allocates, NULL, child_allocates);
	start_churn(t, 4);
	if (pthread_create(&f, NULL, forker, (void *)(uintptr_t)(n / 2)))
		fail("pthread_create");
	bad = (uintptr_t)forker((void *)(uintptr_t)(n - n / 2));
	pthread_join(f, &bad_thread);
	bad += (uintptr_t)bad_thread;
	stop_churn(t, 4);
	printf("forks: %d children, %lu failed\n", n, (unsigned long)bad);
	return 0;
}

/* --- spawn: vfork and posix_spawn while threads allocate --- */

static int mode_spawn(int n)
{
	char *argv_true[] = { "true", NULL };
	char *argv_none[] = { "none", NULL };
	pthread_t t[4];
	int i, st, bad = 0;
	char *keep;
	pid_t pid;

	keep = malloc(4096);
	memset(keep, 0x5a, 4096);
	start_churn(t, 4);
	for (i = 0; i < n; i++) {
		if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv_true,
				environ))
			fail("posix_spawn");
		bad += waitpid(pid, &st, 0) != pid || st != 0;
		pid = vfork();
		if (pid == 0) {
			execve(i % 2 ? "/bin/true" : "/nonexistent/none",
			       i % 2 ? argv_true : argv_none, environ);
			_exit(127);
		}
		bad += waitpid(pid, &st, 0) != pid ||
		       WEXITSTATUS(st) != (i % 2 ? 0 : 127);
	}
	/* A failed exec in this process: it carries on as before. */
	if (execve("/nonexistent/none", argv_none, environ) == 0 ||
	    errno != ENOENT)
		fail("execve of a missing file");
	stop_churn(t, 4);
	for (i = 0; i < 4096; i++)
		if ((unsigned char)keep[i] != 0x5a)
			fail("the parent's block changed");
	free(keep);
	printf("spawn: %d spawned, %d failed\n", 2 * n, bad);
	return 0;
}

/* --- threads: a thousand at once --- */

static pthread_barrier_t all_up;

static void *short_worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 1000; i++)
		free(malloc(16 + i % 100));
	sink = malloc(24);	/* LEAK:thread1000 */
	pthread_barrier_wait(&all_up);
	return NULL;
}

static int mode_threads(int n)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	pthread_attr_t a;
	int i;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 128 * 1024);
	pthread_barrier_init(&all_up, NULL, (unsigned)n);
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], &a, short_worker, NULL))
			fail("pthread_create");
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&all_up);
	pthread_attr_destroy(&a);
	free(t);
	printf("threads: %d\n", n);
	return 0;
}

/* --- exitrace: exit while threads allocate --- */

static int mode_exitrace(int from_thread)
{
	pthread_t t[8], e;

	start_churn(t, 8);
	nap_us(100000);
	sink = malloc(300);	/* LEAK:exitrace */
	if (from_thread) {
		pthread_create(&e, NULL, exit_from_thread, NULL);
		pause();
	}
	return 7;
}

/* --- dl: a plugin loaded, used and unloaded by several threads --- */

static const char *plugin_path;

static void *dl_worker(void *arg)
{
	int n = (int)(uintptr_t)arg, i;
	void (*leak)(void);
	void *h;

	for (i = 0; i < n; i++) {
		h = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			fail(dlerror());
		leak = (void (*)(void))dlsym(h, "plugin_leak");
		if (!leak)
			fail("plugin_leak not found");
		leak();
		if (dlclose(h))
			fail("dlclose");
	}
	return NULL;
}

static int mode_dl(const char *plugin, int n)
{
	pthread_t t[4], c[2];
	int i;

	plugin_path = plugin;
	start_churn(c, 2);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, dl_worker,
			       (void *)(uintptr_t)(n / 4));
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	stop_churn(c, 2);
	printf("dl: unloaded: %s\n",
	       dlopen(plugin, RTLD_NOW | RTLD_NOLOAD) ? "no" : "yes");
	return 0;
}

/* --- fds: a daemon that closes every fd and reuses the numbers --- */

static int mode_fds(const char *data)
{
	char line[64];
	int fd, i, n;

	for (fd = 3; fd < 4096; fd++)
		close(fd);
	fd = open(data, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("open data");
	for (i = 0; i < 64; i++)
		if (i != fd && i != 2)
			dup2(fd, i);
	sink = malloc(333);	/* LEAK:fds */
	for (i = 0; i < 100; i++) {
		n = snprintf(line, sizeof(line), "row %d\n", i);
		if (write(1, line, (size_t)n) != n)
			fail("write");
	}
	/* Exits with every one of them open, as daemons do. */
	return 0;
}

/* stderr closed, and its number reused for a data file */
static int mode_stderr(const char *data)
{
	char line[64];
	int fd, i, n;

	close(2);
	fd = open(data, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd != 2)
		fail("the data file did not get fd 2");
	sink = malloc(10);
	for (i = 0; i < 10; i++) {
		n = snprintf(line, sizeof(line), "record %d\n", i);
		if (write(fd, line, (size_t)n) != n)
			fail("write");
	}
	return 0;
}

/* --- deep: allocation at the bottom of deep recursion --- */

static __attribute__((noinline)) int recurse(int depth)
{
	volatile char pad[64];

	pad[0] = (char)depth;
	if (depth == 0) {
		sink = malloc(123);	/* LEAK:deep */
		return pad[0];
	}
	return recurse(depth - 1) + pad[0];
}

/* Recursion without end, allocating at each level: dies of SIGSEGV. */
static __attribute__((noinline)) int overflow(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	free(malloc(32));
	return overflow(depth + 1) + pad[0];
}

/* --- smallstack: minimal thread stacks, a coroutine, an alt stack --- */

static __attribute__((noinline)) void *alloc_at_depth(int d, size_t size)
{
	volatile char pad[32];

	pad[0] = 0;
	if (d > 0)
		return alloc_at_depth(d - 1, size);
	return malloc(size + (size_t)pad[0]);
}

static void *small_worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 1000; i++)
		free(alloc_at_depth(10, 64));
	sink = malloc(48);	/* LEAK:smallstack */
	return NULL;
}

static ucontext_t main_ctx, coro_ctx;

static void coro(void)
{
	int i;

	for (i = 0; i < 100; i++)
		free(malloc(200));
	sink = malloc(56);	/* LEAK:coro */
}

static sigjmp_buf segv_back;

static void on_segv(int sig)
{
	(void)sig;
	sink = malloc(72);	/* LEAK:altstack */
	siglongjmp(segv_back, 1);
}

static int mode_smallstack(void)
{
	static char coro_stack[16384];
	size_t min = PTHREAD_STACK_MIN;
	pthread_attr_t a;
	pthread_t t[8];
	stack_t ss;
	struct sigaction sa;
	int i;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, min);
	for (i = 0; i < 8; i++)
		if (pthread_create(&t[i], &a, small_worker, NULL))
			fail("pthread_create with the minimal stack");
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	pthread_attr_destroy(&a);

	getcontext(&coro_ctx);
	coro_ctx.uc_stack.ss_sp = coro_stack;
	coro_ctx.uc_stack.ss_size = sizeof(coro_stack);
	coro_ctx.uc_link = &main_ctx;
	makecontext(&coro_ctx, coro, 0);
	if (swapcontext(&main_ctx, &coro_ctx))
		fail("swapcontext");

	ss.ss_sp = malloc(SIGSTKSZ);
	ss.ss_size = SIGSTKSZ;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL))
		fail("sigaltstack");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(segv_back, 1))
		raise(SIGSEGV);
	printf("smallstack: %zu-byte thread stacks, a coroutine, an alt "
	       "stack\n", min);
	return 0;
}

/* --- forever: two threads allocate until a signal ends the program --- */

static void *forever_worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 1000; i++)
		sink = malloc(16);	/* LEAK:forever */
	for (;;)
		free(malloc(40));
	return NULL;
}

static int mode_forever(void)
{
	pthread_t t[2];

	pthread_create(&t[0], NULL, forever_worker, NULL);
	pthread_create(&t[1], NULL, forever_worker, NULL);
	puts("forever: running");
	fflush(stdout);
	for (;;)
		pause();
}

/* --- oom: the address space runs out, for the program and the shim --- */

static int mode_oom(void)
{
	struct rlimit rl;
	void **blocks;
	size_t max = 4096, n, round, total = 0;
	FILE *f;
	unsigned long vm = 0;

	f = fopen("/proc/self/statm", "r");
	if (!f || fscanf(f, "%lu", &vm) != 1)
		fail("statm");
	fclose(f);
	blocks = calloc(max, sizeof(*blocks));
	rl.rlim_cur = rl.rlim_max = vm * 4096 + (96ul << 20);
	if (setrlimit(RLIMIT_AS, &rl))
		fail("setrlimit");
	for (round = 0; round < 3; round++) {
		for (n = 0; n < max; n++) {
			blocks[n] = malloc(64 * 1024 + n);
			if (!blocks[n])
				break;
		}
		if (n == max)
			fail("the limit was never reached");
		if (!round)
			total = n;
		while (n > 0)
			free(blocks[--n]);
	}
	printf("oom: 3 rounds ended in NULL, %s blocks the first\n",
	       total > 100 ? "over 100" : "few");
	free(blocks);
	return 0;
}

/* many: n live blocks at once, then freed (memory_limit) */
static int mode_many(int n)
{
	void **b = malloc((size_t)n * sizeof(*b));
	int i;

	if (!b)
		fail("malloc");
	for (i = 0; i < n; i++)
		if (!(b[i] = malloc(16)))
			fail("malloc");
	for (i = 0; i < n; i++)
		free(b[i]);
	free(b);
	printf("many: %d\n", n);
	return 0;
}

/* --- mixed: blocks that bypass the wrappers, and address reuse --- */

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);

static void *reuse_worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 200000; i++) {
		void *p = malloc(32);	/* REUSE */

		free(p);
	}
	return NULL;
}

static int mode_mixed(void)
{
	pthread_t t[8];
	void *p, *q, *r;
	int i;

	p = __libc_malloc(100);		/* unseen by the shim */
	free(p);
	q = malloc(10);			/* seen, then freed unseen */
	__libc_free(q);
	r = malloc(10);	/* LEAK:mixed */
	sink = r;
	p = reallocarray(NULL, 10, 10);
	free(p);
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, reuse_worker, NULL);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("mixed: address reused: %s\n", q == r ? "yes" : "no");
	return 0;
}

/* --- tsd: destructors that allocate; short threads that use dlerror --- */

static pthread_key_t keys[4];

static void key_dtor(void *v)
{
	static __thread int rounds;
	uintptr_t k = (uintptr_t)v & 3;

	free((char *)v - k);
	if (++rounds < 3 * 4)
		pthread_setspecific(keys[k], (char *)malloc(32) + k);
}

static void *tsd_worker(void *arg)
{
	uintptr_t k;

	(void)arg;
	for (k = 0; k < 4; k++)
		pthread_setspecific(keys[k], (char *)malloc(32) + k);
	if (dlsym(RTLD_DEFAULT, "no_such_symbol_anywhere"))
		fail("dlsym found a missing symbol");
	return NULL;
}

static int mode_tsd(int n)
{
	pthread_attr_t a;
	pthread_t t;
	int i;

	for (i = 0; i < 4; i++)
		pthread_key_create(&keys[i], key_dtor);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t, &a, tsd_worker, NULL))
			fail("pthread_create");
		if (i % 100 == 99) {
			/* a dump while threads come and go */
			kill(getpid(), SIGRTMIN + 3);
			nap_us(2000);
		}
	}
	nap_us(300000);		/* the last detached threads finish */
	printf("tsd: %d threads\n", n);
	return 0;
}

/* --- exec: the new image with or without the shim in its environment --- */

static int mode_exec(const char *self, int keep)
{
	char *argv[] = { "torture", "deep", "10", NULL };
	char *env[256];
	int i, n = 0;

	sink = malloc(99);	/* gone with this image */
	for (i = 0; environ[i] && n < 255; i++)
		if (keep || strncmp(environ[i], "LD_PRELOAD=", 11))
			env[n++] = environ[i];
	env[n] = NULL;
	execve(self, argv, env);
	fail("execve");
	return 1;
}

/* --- eintr: a blocking read while the dump signal arrives --- */

static int pipe_fds[2];

static void *late_writer(void *arg)
{
	(void)arg;
	nap_us(600000);
	if (write(pipe_fds[1], "x", 1) != 1)
		fail("write");
	return NULL;
}

static int mode_eintr(void)
{
	pthread_t t;
	sigset_t one;
	ssize_t r;
	char c;

	/* The dump signal must land on this thread, blocked in read. */
	sigemptyset(&one);
	sigaddset(&one, SIGRTMIN + 3);
	if (pipe(pipe_fds))
		fail("pipe");
	pthread_sigmask(SIG_BLOCK, &one, NULL);
	pthread_create(&t, NULL, late_writer, NULL);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	puts("eintr: reading");
	fflush(stdout);
	r = read(pipe_fds[0], &c, 1);
	printf("eintr: read %zd%s\n", r, r < 0 && errno == EINTR ?
	       " EINTR" : "");
	pthread_join(t, NULL);
	return 0;
}

/* --- takeover: the program installs its own handler later --- */

static volatile sig_atomic_t mine;

static void on_mine(int sig)
{
	(void)sig;
	mine = 1;
}

static int mode_takeover(void)
{
	nap_us(300000);
	signal(SIGRTMIN + 3, on_mine);
	nap_us(1500000);	/* the shim notices within a second */
	raise(SIGRTMIN + 3);
	printf("takeover: own handler ran: %s\n", mine ? "yes" : "no");
	return 0;
}

/* --- badfree: what glibc says about a bad pointer is unchanged --- */

static int mode_badfree(void)
{
	/* A fake chunk of size 0: glibc aborts with "free(): invalid
	 * size", whatever else is in memory. */
	static _Alignas(16) unsigned char fake[64];
	void *volatile p = fake + 16;

	fflush(stdout);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? atoi(argv[2]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(m, "storm"))
		return mode_storm(n ? n : 2000);
	if (!strcmp(m, "swap"))
		return mode_swap(n ? n : 4000);
	if (!strcmp(m, "forks"))
		return mode_forks(n ? n : 200);
	if (!strcmp(m, "spawn"))
		return mode_spawn(n ? n : 200);
	if (!strcmp(m, "threads"))
		return mode_threads(n ? n : 1000);
	if (!strcmp(m, "exitrace"))
		return mode_exitrace(0);
	if (!strcmp(m, "exitthread"))
		return mode_exitrace(1);
	if (!strcmp(m, "dl") && argc > 3)
		return mode_dl(argv[3], n);
	if (!strcmp(m, "fds") && argc > 2)
		return mode_fds(argv[2]);
	if (!strcmp(m, "stderr") && argc > 2)
		return mode_stderr(argv[2]);
	if (!strcmp(m, "deep")) {
		recurse(n ? n : 10000);
		puts("deep: done");
		return 0;
	}
	if (!strcmp(m, "overflow"))
		return overflow(0);
	if (!strcmp(m, "smallstack"))
		return mode_smallstack();
	if (!strcmp(m, "forever"))
		return mode_forever();
	if (!strcmp(m, "oom"))
		return mode_oom();
	if (!strcmp(m, "title")) {
		/* A process title over argv[0], as nginx and postgres do. */
		memset(argv[0], 'x', strlen(argv[0]));
		sink = malloc(5);
		puts("title: set");
		return 0;
	}
	if (!strcmp(m, "many"))
		return mode_many(n ? n : 100000);
	if (!strcmp(m, "mixed"))
		return mode_mixed();
	if (!strcmp(m, "tsd"))
		return mode_tsd(n ? n : 2000);
	if (!strcmp(m, "exec"))
		return mode_exec("/proc/self/exe", n);
	if (!strcmp(m, "eintr"))
		return mode_eintr();
	if (!strcmp(m, "takeover"))
		return mode_takeover();
	if (!strcmp(m, "badfree"))
		return mode_badfree();
	fprintf(stderr, "usage: torture MODE [N] [ARG]\n");
	return 2;
}
