/* SPDX-License-Identifier: MIT */
/*
 * ctl.c - the control thread, the signals it answers, and the clock.
 *
 * Nothing that writes a dump is async-signal-safe, so signal handlers only
 * write one byte to a pipe; the control thread, blocked in poll on the other
 * end, does the work.  It is created with every signal blocked, so the
 * host's signals never land on it, and it runs with the guard set, so what
 * it allocates through libc is never tracked.  It also advances lk_now once
 * a second (the malloc path reads that instead of a clock) and writes the
 * periodic dumps of `interval`.
 *
 * SIGTERM and SIGINT, when the program leaves them at their default action
 * (terminate), get a handler too: it asks the control thread for the final
 * dump, waits for it, and the control thread then restores the default
 * action and sends the signal again, so the process still dies of it and its
 * parent sees the same wait status.  A program that installs its own handler
 * replaces ours and exits through its own path, where the destructor dumps.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "dumpfmt.h"
#include "out.h"
#include "shim.h"

/* Written by handlers, read by the control thread. */
static int lk_wake[2] = { -1, -1 };
/* Written by the control thread once the final dump is on disk. */
static int lk_done[2] = { -1, -1 };
static volatile sig_atomic_t lk_want_dump;
static volatile sig_atomic_t lk_want_term;

static void lk_tick(void)
{
	uint64_t s = (lk_mono_ms() - lk_start_ms) / 1000;

	__atomic_store_n(&lk_now, (uint32_t)s, __ATOMIC_RELAXED);
}

/* --- handlers: async-signal-safe, keep errno --- */

static void lk_poke(char c)
{
	ssize_t r = write(lk_wake[1], &c, 1);

	(void)r;	/* a full pipe already holds a wake-up */
}

static void lk_on_dump_signal(int sig)
{
	int e = errno;

	(void)sig;
	lk_want_dump = 1;
	lk_poke('d');
	errno = e;
}

static void lk_on_term_signal(int sig)
{
	struct pollfd p = { .fd = lk_done[0], .events = POLLIN };
	int e = errno;

	if (lk_want_term)
		return;		/* the final dump is already under way */
	lk_want_term = sig;
	lk_poke('t');
	/*
	 * Wait for the dump so the program does not run on, unless this
	 * thread was interrupted inside the shim: it may hold a table lock
	 * the dump needs.  The control thread re-raises either way.
	 */
	if (!lk_in_shim)
		while (poll(&p, 1, 30000) < 0 && errno == EINTR)
			;
	errno = e;
}

/* --- the thread --- */

static void lk_finish_on_signal(int sig)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	char c = 'x';
	ssize_t r;

	lk_term_signal = sig;
	lk_final_dump(0);
	sigaction(sig, &sa, NULL);
	r = write(lk_done[1], &c, 1);
	(void)r;
	kill(getpid(), sig);
}

static int lk_next_timeout(uint64_t next_interval)
{
	uint64_t up = lk_mono_ms() - lk_start_ms;
	uint64_t next = (up / 1000 + 1) * 1000;

	if (next_interval && next_interval < next)
		next = next_interval;
	return next > up ? (int)(next - up) : 0;
}

static void lk_drain(void)
{
	char buf[64];

	while (read(lk_wake[0], buf, sizeof(buf)) > 0)
		;
}

static void *lk_ctl_main(void *arg)
{
	struct pollfd p;
	uint64_t next = 0, period = (uint64_t)lk_cfg.interval * 1000;

	(void)arg;
	lk_in_shim = 1;
	if (period)
		next = lk_mono_ms() - lk_start_ms + period;
	for (;;) {
		p.fd = lk_wake[0];
		p.events = POLLIN;
		poll(&p, 1, lk_next_timeout(next));
		lk_drain();
		lk_tick();
		if (lk_want_term) {
			lk_finish_on_signal(lk_want_term);
			return NULL;
		}
		if (lk_state != LK_ON)
			continue;
		if (lk_want_dump) {
			lk_want_dump = 0;
			lk_dump(LK_REASON_SIGNAL, NULL);
		}
		if (period && lk_mono_ms() - lk_start_ms >= next) {
			lk_dump(LK_REASON_INTERVAL, NULL);
			next += period;
		}
	}
	return NULL;
}

/* A pipe whose ends sit above the standard fds, close-on-exec. */
static int lk_pipe(int fds[2], int nonblock_write)
{
	int i, fd;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		return 0;
	for (i = 0; i < 2; i++) {
		if (fds[i] >= 3)
			continue;
		fd = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		close(fds[i]);
		fds[i] = fd;
	}
	if (!nonblock_write)
		fcntl(fds[0], F_SETFL, 0);	/* the handler blocks in poll */
	return fds[0] >= 0 && fds[1] >= 0;
}

static int lk_spawn(void)
{
	sigset_t all, old;
	pthread_t t;
	pthread_attr_t attr;
	int r;

	if (!lk_pipe(lk_wake, 1) || !lk_pipe(lk_done, 0))
		return 0;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&t, &attr, lk_ctl_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return r == 0;
}

/* Installs fn for sig if the program left sig at its default action. */
static int lk_take_signal(int sig, void (*fn)(int), int warn)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = SA_RESTART };
	struct sigaction cur;

	if (sigaction(sig, NULL, &cur))
		return 0;
	if (cur.sa_handler != SIG_DFL || (cur.sa_flags & SA_SIGINFO)) {
		if (warn)
			lk_warn("signal %d already has a handler; dumps on "
				"signal are off", sig);
		return 0;
	}
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL) == 0;
}

int lk_ctl_start(void)
{
	if (!lk_spawn()) {
		lk_warn("cannot start the control thread; dumps only at exit");
		return 0;
	}
	if (lk_cfg.signal)
		lk_take_signal(lk_cfg.signal, lk_on_dump_signal, 1);
	lk_take_signal(SIGTERM, lk_on_term_signal, 0);
	lk_take_signal(SIGINT, lk_on_term_signal, 0);
	return 1;
}

void lk_ctl_restart_child(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		close(lk_wake[i]);
		close(lk_done[i]);
		lk_wake[i] = lk_done[i] = -1;
	}
	lk_want_dump = 0;
	lk_want_term = 0;
	if (!lk_spawn())
		lk_warn("cannot start the control thread in child %d; dumps "
			"only at exit", (int)getpid());
}
