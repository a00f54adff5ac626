/*
 * forky.c - forks; parent and child each leak, then the child execs.
 *
 * Under the shim, three dumps: the parent's (pid P) with LEAK:parent
 * (1 block, 111 bytes); the child's own dump (pid C, written at exit of
 * `forky child`) with LEAK:child (1 block, 222 bytes) and also the parent's
 * block it inherited; `forky exec` re-runs this program through execv, and
 * the new image's dump (same pid as its child process) has LEAK:exec (1
 * block, 333 bytes).  The parent waits and exits with the child's status.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	void *p;
	pid_t c;
	int st;

	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		p = malloc(333);		/* LEAK:exec */
		(void)p;
		return 7;
	}
	p = malloc(111);			/* LEAK:parent */
	(void)p;
	c = fork();
	if (c < 0)
		return 1;
	if (c == 0) {
		p = malloc(222);		/* LEAK:child */
		(void)p;
		if (argc > 1 && strcmp(argv[1], "child-exec") == 0) {
			char *args[] = { argv[0], "exec", NULL };

			execv(argv[0], args);
			_exit(127);
		}
		exit(5);
	}
	if (waitpid(c, &st, 0) != c)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
