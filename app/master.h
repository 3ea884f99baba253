/* master: the prefork master: owns the listen socket, keeps N workers alive, stops and rotates
 * them on signals. */
#ifndef MASTER_H
#define MASTER_H

struct master_config {
	const char *listen;   /* unix socket path, or host:port / :port */
	unsigned socket_mode; /* permissions of a unix socket */
	int workers;
	int tenant_share;     /* most workers one tenant may hold at once (see pool.h) */
	int hash_limit;       /* most password hashes at once */
	const char *pid_file; /* NULL: none */
	/* One more child kept alive beside the workers (the scheduler), or NULL. It gets the
	 * listen socket too but does not accept on it. */
	int (*scheduler)(int listen_fd, void *arg);
};

/* Called in each forked worker with the listen socket; returns the worker's exit status. */
typedef int (*worker_main_fn)(int listen_fd, void *arg);

/* Runs until SIGTERM or SIGINT; returns the process exit status. Start-up failures are fatal. */
int master_run(const struct master_config *cfg, worker_main_fn fn, void *arg);

/* For workers: true once a graceful stop was asked for. */
int master_stop_requested(void);

#endif
