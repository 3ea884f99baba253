/* ctl: the parts of portalctl, one file per command group. */
#ifndef CTL_CTL_H
#define CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

/* Prints "portalctl: ..." and exits 1, rolling back an open transaction. */
void ctl_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The one connection of the command, opened on first use from PORTAL_DB_*. */
struct db *ctl_connect(void);
struct arena *ctl_arena_get(void);
/* Reads a whole file (malloc'd, NUL-terminated); dies on failure. */
char *ctl_read_file(const char *path, size_t *len);

int ctl_migrate(const char *dir);
int ctl_tenant_apply(int nfiles, char **files);
int ctl_tenant_list(void);
int ctl_tenant_status(const char *slug, bool suspend);
int ctl_user_add(const char *slug, const char *email, const char *name, const char *role, const char *company,
                 const char *password);
int ctl_keys_rotate(const char *slug);
int ctl_backup(const char *file);
int ctl_restore(const char *file);
int ctl_checksum(const char *slug);
/* Replays every ticket's clocks from its timeline and prints where they differ from the stored
 * lights; 1 if any does. */
int ctl_lights_verify(const char *slug);
/* Recomputes every open cycle of a tenant under its current calendar and thresholds now, as the
 * scheduler does after a change, and prints the count and the time it took. */
int ctl_lights_recompute(const char *slug);
/* Computes a tenant's report facts and its agents' open-ticket counts again from the rows they
 * come from, in one transaction, printing each step's rows and time. */
int ctl_reports_rebuild(const char *slug);

#endif
