/* SPDX-License-Identifier: MIT */
/*
 * ctl.c - the control thread, the signals it answers, and the clock.
 *
 * Nothing that writes a dump is async-signal-safe, so signal handlers only
 * set a flag and wake the control thread with a futex; it does the work.
 * No file descriptor is involved, so a program that closes every fd (as
 * daemons do) cannot break the wake-up, nor receive stray bytes in a file
 * that reused the number.  It is created with every signal blocked, so the
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
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dumpfmt.h"
#include "out.h"
#include "pq.h"
#include "shim.h"
#include "threads.h"

/* Bumped by handlers to wake the control thread (a futex word). */
static int lk_wake_word;
/* Set by the control thread once the final dump is on disk (a futex). */
static int lk_done_word;
static volatile sig_atomic_t lk_want_dump;
static volatile sig_atomic_t lk_want_term;
/* The dump signal is ours (set once the handler is in place). */
static int lk_own_dump_signal;

static long lk_futex(int *word, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

static void lk_tick(void)
{
	uint64_t s = (lk_mono_ms() - lk_start_ms) / 1000;

	__atomic_store_n(&lk_now, (uint32_t)s, __ATOMIC_RELAXED);
}

/* --- handlers: async-signal-safe, keep errno --- */

static void lk_poke(void)
{
	__atomic_fetch_add(&lk_wake_word, 1, __ATOMIC_RELEASE);
	lk_futex(&lk_wake_word, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static void lk_on_dump_signal(int sig)
{
	int e = errno;

	(void)sig;
	lk_want_dump = 1;
	lk_poke();
	errno = e;
}

static void lk_on_term_signal(int sig)
{
	struct timespec ts = { 30, 0 };
	int e = errno;

	if (lk_want_term)
		return;		/* the final dump is already under way */
	lk_want_term = sig;
	lk_poke();
	/*
	 * Wait for the dump so the program does not run on, unless this
	 * thread was interrupted inside the shim: it may hold a table lock
	 * the dump needs.  The control thread re-raises either way.
	 */
	if (!lk_in_shim)
		while (!__atomic_load_n(&lk_done_word, __ATOMIC_ACQUIRE) &&
		       lk_futex(&lk_done_word, FUTEX_WAIT_PRIVATE, 0, &ts) &&
		       errno == EINTR)
			;
	errno = e;
}

/* --- the thread --- */

static void lk_finish_on_signal(int sig)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	lk_term_signal = sig;
	lk_final_dump(0);
	sigaction(sig, &sa, NULL);
	__atomic_store_n(&lk_done_word, 1, __ATOMIC_RELEASE);
	lk_futex(&lk_done_word, FUTEX_WAKE_PRIVATE, 1 << 30, NULL);
	kill(getpid(), sig);
}

/*
 * A program may install its own handler for the dump signal after the
 * shim did (a late sigaction, a library that grabs every real-time
 * signal).  Its handler wins, as it should; the user who sends the signal
 * then waits for a dump that never comes, so say so once.
 */
static void lk_check_dump_signal(void)
{
	struct sigaction cur;
	char name[32];

	if (!lk_own_dump_signal || sigaction(lk_cfg.signal, NULL, &cur))
		return;
	if (!(cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_handler == lk_on_dump_signal)
		return;
	lk_own_dump_signal = 0;
	lk_signal_name(lk_cfg.signal, name, sizeof(name));
	lk_warn("the program installed its own handler for %s; dumps on "
		"signal are off (set signal= to another one)", name);
}

static int lk_next_timeout(uint64_t next_interval)
{
	uint64_t up = lk_mono_ms() - lk_start_ms;
	uint64_t next = (up / 1000 + 1) * 1000;

	if (next_interval && next_interval < next)
		next = next_interval;
	return next > up ? (int)(next - up) : 0;
}

/* Sleeps until a handler pokes or timeout_ms pass. */
static void lk_sleep(int seen, int timeout_ms)
{
	struct timespec ts;

	ts.tv_sec = timeout_ms / 1000;
	ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
	lk_futex(&lk_wake_word, FUTEX_WAIT_PRIVATE, seen, &ts);
}

static void *lk_ctl_main(void *arg)
{
	uint64_t next = 0, period = (uint64_t)lk_cfg.interval * 1000;
	int seen;

	(void)arg;
	lk_in_shim = 1;
	lk_threads_mark_ours();
	if (period)
		next = lk_mono_ms() - lk_start_ms + period;
	for (;;) {
		seen = __atomic_load_n(&lk_wake_word, __ATOMIC_ACQUIRE);
		if (!lk_want_term && !lk_want_dump)
			lk_sleep(seen, lk_next_timeout(next));
		lk_tick();
		lk_check_dump_signal();
		if (lk_want_term) {
			lk_finish_on_signal(lk_want_term);
			return NULL;
		}
		if (lk_state == LK_ON) {
			lk_pq_tick();
			lk_metrics_tick(0);
		}
		if (lk_want_dump) {
			lk_want_dump = 0;	/* a storm of signals: one dump */
			if (lk_state == LK_ON)
				lk_dump_live(LK_REASON_SIGNAL);
		}
		if (period && lk_mono_ms() - lk_start_ms >= next) {
			if (lk_state == LK_ON)
				lk_dump_live(LK_REASON_INTERVAL);
			while (next <= lk_mono_ms() - lk_start_ms)
				next += period;
		}
	}
	return NULL;
}

static int lk_spawn(void)
{
	sigset_t all, old;
	pthread_t t;
	pthread_attr_t attr;
	int r;

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
		if (warn) {
			char name[32];

			lk_signal_name(sig, name, sizeof(name));
			lk_warn("%s already has a handler; dumps on signal "
				"are off (set signal= to another one)", name);
		}
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
		lk_own_dump_signal = lk_take_signal(lk_cfg.signal,
						    lk_on_dump_signal, 1);
	lk_take_signal(SIGTERM, lk_on_term_signal, 0);
	lk_take_signal(SIGINT, lk_on_term_signal, 0);
	return 1;
}

void lk_ctl_restart_child(void)
{
	lk_done_word = 0;
	lk_want_dump = 0;
	lk_want_term = 0;
	if (!lk_spawn())
		lk_warn("cannot start the control thread in child %d; dumps "
			"only at exit", (int)getpid());
}
