/* audit: the tenant's security audit log: who signed in or failed to, who changed the
 * configuration, who overrode a check. Append-only. */
#ifndef AUDIT_AUDIT_H
#define AUDIT_AUDIT_H

struct request;

/* Appends one entry for the request's tenant (actor: the signed-in user, or actor_id when
 * the request has none). Failures are logged and do not fail the request's own work,
 * except that inside a transaction the caller's rollback covers it. Returns 0 or -1. */
int audit_add(struct request *r, long long actor_id, const char *action, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* GET /admin/audit: newest first, cursor paginated. */
int audit_list(struct request *r);

#endif
