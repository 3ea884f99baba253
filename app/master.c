/* master: fork, watch, replace. Workers are single-threaded and share one listening socket. */
#include "master.h"

#include <errno.h>
#include <stdbool.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "pool.h"

#define MASTER_MAX_WORKERS 256
#define STOP_GRACE_SECONDS 10

static volatile sig_atomic_t got_stop, got_hup, got_chld;
static volatile sig_atomic_t worker_stop;

struct slot {
	pid_t pid;
	time_t started;
	int generation;
};

static void on_master_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		got_stop = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
}

static void on_worker_term(int sig)
{
	(void)sig;
	/* No exit from here: a worker may have accepted a connection and not yet marked itself
	 * busy. The flag ends the accept loop; an accept() in progress fails with EINTR (the
	 * request is initialised with FCGI_FAIL_ACCEPT_ON_INTR), and a request in progress is
	 * finished first. */
	worker_stop = 1;
	FCGX_ShutdownPending();
}

int master_stop_requested(void)
{
	return worker_stop;
}

/* slot: the worker's place on the pool scoreboard, or -1 (the scheduler). */
static pid_t spawn(int fd, worker_main_fn fn, void *arg, int slot)
{
	pid_t pid;

	pool_slot_reset(slot);
	pid = fork();

	if (pid == -1) {
		log_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		struct sigaction sa;
		sigset_t none;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_worker_term;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		pool_attach(slot);
		_exit(fn(fd, arg));
	}
	return pid;
}

static void write_pid_file(const char *path)
{
	FILE *f;

	if (path == NULL)
		return;
	f = fopen(path, "w");
	if (f == NULL) {
		log_error("cannot write pid file %s: %s", path, strerror(errno));
		exit(1);
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

static int open_listener(const struct master_config *cfg)
{
	int fd;
	bool is_unix = strchr(cfg->listen, ':') == NULL;

	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		exit(1);
	}
	if (is_unix)
		unlink(cfg->listen); /* a stale socket from a crash */
	fd = FCGX_OpenSocket(cfg->listen, 1024);
	if (fd < 0) {
		log_error("cannot listen on %s", cfg->listen);
		exit(1);
	}
	if (is_unix && chmod(cfg->listen, cfg->socket_mode) != 0) {
		log_error("chmod %s: %s", cfg->listen, strerror(errno));
		exit(1);
	}
	return fd;
}

int master_run(const struct master_config *cfg, worker_main_fn fn, void *arg)
{
	struct slot slots[MASTER_MAX_WORKERS];
	struct sigaction sa;
	sigset_t block, old;
	int fd, generation = 0, n = cfg->workers;
	time_t stop_deadline = 0, hold_until = 0, sched_started = 0;
	pid_t sched_pid = 0;

	if (n < 1 || n > MASTER_MAX_WORKERS) {
		log_error("PORTAL_WORKERS must be 1 to %d", MASTER_MAX_WORKERS);
		return 1;
	}
	if (pool_init(MASTER_MAX_WORKERS, cfg->tenant_share, cfg->hash_limit) == -1)
		return 1;
	fd = open_listener(cfg);
	write_pid_file(cfg->pid_file);
	memset(slots, 0, sizeof(slots));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_master_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);

	log_info("listening on %s with %d workers", cfg->listen, n);
	for (;;) {
		int alive = 0;
		pid_t pid;
		int status;

		/* Reap, and note which slots emptied. */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == sched_pid) {
				if (!got_stop)
					log_warn("scheduler %d ended; replacing it", (int)pid);
				sched_pid = 0;
				if (time(NULL) - sched_started < 1)
					hold_until = time(NULL) + 1;
				continue;
			}
			for (int i = 0; i < MASTER_MAX_WORKERS; i++) {
				if (slots[i].pid != pid)
					continue;
				if (!got_stop && slots[i].generation == generation &&
				    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
					log_warn("worker %d ended (%s %d); replacing it", (int)pid,
					         WIFSIGNALED(status) ? "signal" : "status",
					         WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
				slots[i].pid = 0;
				pool_slot_reset(i);
				if (time(NULL) - slots[i].started < 1)
					hold_until = time(NULL) + 1;
			}
		}
		got_chld = 0;
		if (got_stop && stop_deadline == 0) {
			stop_deadline = time(NULL) + STOP_GRACE_SECONDS;
			for (int i = 0; i < MASTER_MAX_WORKERS; i++)
				if (slots[i].pid > 0)
					kill(slots[i].pid, SIGTERM);
			if (sched_pid > 0)
				kill(sched_pid, SIGTERM);
			log_info("stopping: waiting for in-flight requests");
		}
		if (got_hup) {
			/* A new generation takes over; the old one finishes what it has and leaves. */
			got_hup = 0;
			generation++;
			log_info("rotating workers (generation %d)", generation);
			for (int i = 0; i < MASTER_MAX_WORKERS; i++)
				if (slots[i].pid > 0 && slots[i].generation != generation)
					kill(slots[i].pid, SIGTERM);
			if (sched_pid > 0)
				kill(sched_pid, SIGTERM); /* replaced below once it has gone */
		}
		if (!got_stop) {
			int have = 0;
			time_t now = time(NULL);

			for (int i = 0; i < MASTER_MAX_WORKERS; i++)
				if (slots[i].pid > 0 && slots[i].generation == generation)
					have++;
			for (int i = 0; i < MASTER_MAX_WORKERS && have < n; i++) {
				if (slots[i].pid != 0)
					continue;
				if (hold_until > now)
					break; /* workers are dying young: pace the replacements */
				slots[i].pid = spawn(fd, fn, arg, i);
				if (slots[i].pid < 0) {
					slots[i].pid = 0;
					break;
				}
				slots[i].started = now;
				slots[i].generation = generation;
				have++;
			}
		}
		if (!got_stop && cfg->scheduler != NULL && sched_pid == 0 && hold_until <= time(NULL)) {
			sched_pid = spawn(fd, cfg->scheduler, arg, -1);
			if (sched_pid < 0)
				sched_pid = 0;
			sched_started = time(NULL);
		}
		for (int i = 0; i < MASTER_MAX_WORKERS; i++)
			if (slots[i].pid > 0)
				alive++;
		if (sched_pid > 0)
			alive++;
		if (got_stop && alive == 0)
			break;
		if (got_stop && time(NULL) >= stop_deadline) {
			log_warn("workers did not stop within %d s; killing them", STOP_GRACE_SECONDS);
			for (int i = 0; i < MASTER_MAX_WORKERS; i++)
				if (slots[i].pid > 0)
					kill(slots[i].pid, SIGKILL);
			if (sched_pid > 0)
				kill(sched_pid, SIGKILL);
		}
		{
			/* Wait for a signal, waking once a second for deadlines and respawn pacing. */
			struct timespec tick = {1, 0};
			int sig = sigtimedwait(&block, NULL, &tick);

			if (sig > 0)
				on_master_signal(sig);
		}
	}
	close(fd);
	if (strchr(cfg->listen, ':') == NULL)
		unlink(cfg->listen);
	if (cfg->pid_file != NULL)
		unlink(cfg->pid_file);
	sigprocmask(SIG_SETMASK, &old, NULL);
	log_info("stopped");
	return 0;
}
