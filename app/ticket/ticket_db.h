/* ticket_db: statements shared by the ticket handlers (private to ticket/). */
#ifndef TICKET_TICKET_DB_H
#define TICKET_TICKET_DB_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db_rows;
struct ticket;

enum ticket_stmt {
	TICKET_GET,               /* one ticket by number */
	TICKET_GET_FOR_UPDATE,    /* same, locked for a change */
	TICKET_FIND,              /* one ticket's row alone: ids, status, version, visibility */
	TICKET_FIND_FOR_UPDATE,   /* same, locked for a change (locks the ticket row only) */
	TICKET_NEXT_NUMBER,       /* the tenant's counter, in the create's transaction */
	TICKET_INSERT,            /* a new ticket */
	TICKET_CATEGORY_GET,      /* a category by name */
	TICKET_SET_STATUS,        /* a pipeline move */
	TICKET_UPDATE,            /* subject, priority, assignee, guarded by version */
	TICKET_TOUCH,             /* updated_at only */
	TICKET_CUSTOMER_GET,      /* the customer a ticket is raised for */
	TICKET_STAFF_GET,         /* an assignee candidate */
	TICKET_TEAM_MEMBER,       /* is a user in a team */
	TICKET_IDEMPOTENCY_GET,   /* a stored answer for an Idempotency-Key */
	TICKET_IDEMPOTENCY_CLAIM, /* the key's row, taken before the work */
	TICKET_IDEMPOTENCY_DONE,  /* the answer, stored with the work */
	TICKET_SET_PIPELINE,      /* to another pipeline, keeping status_since unless told */
	TICKET_TAGS_CLEAR,        /* a ticket's tags, before the new set */
	TICKET_TAG_ADD,           /* one tag */
	TICKET_WITHIN_DAYS,       /* is the ticket in its status for less than so many days */
	TICKET_INSERT_FOLLOW_UP,  /* a new ticket following an old one, for the same customer */
	TICKET_STMT__MAX
};

const char *ticket_db_sql(enum ticket_stmt s);
/* Fills t from row i of a result with the ticket columns (and the description after them). */
void ticket_from_row(struct arena *a, const struct db_rows *rows, size_t i, struct ticket *t, bool with_description);

/* The columns ticket_from_row reads, in order; the description is a separate slot so the list
 * can leave it out. */
#define TICKET_COLUMNS                                                                                        \
	"t.id, t.number, t.subject, t.priority, t.status_id, t.pipeline_id, t.customer_id, c.name, c.email, " \
	"COALESCE(t.company_id, 0), co.name, COALESCE(t.assignee_id, 0), a.name, t.version, "                 \
	"DATE_FORMAT(t.created_at, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(t.updated_at, '%Y-%m-%dT%H:%i:%sZ'), "  \
	"cat.name, t.queue, DATE_FORMAT(t.status_since, '%Y-%m-%dT%H:%i:%sZ'), "                              \
	"(SELECT GROUP_CONCAT(g.tag ORDER BY g.tag SEPARATOR ',') FROM ticket_tags g "                        \
	"WHERE g.tenant_id = t.tenant_id AND g.ticket_id = t.id), COALESCE(t.team_id, 0), tm.name, fo.number"
/* Each joined row is found by its primary key (FORCE INDEX: with a few rows the optimizer
 * prefers a covering tenant index, which becomes a scan of every user per ticket at scale);
 * the tenant_id conditions stay as a second guard. */
#define TICKET_JOINS                                                                                                \
	" FROM tickets t JOIN users c FORCE INDEX (PRIMARY) ON c.id = t.customer_id AND c.tenant_id = t.tenant_id " \
	"LEFT JOIN companies co FORCE INDEX (PRIMARY) ON co.id = t.company_id AND co.tenant_id = t.tenant_id "      \
	"LEFT JOIN users a FORCE INDEX (PRIMARY) ON a.id = t.assignee_id AND a.tenant_id = t.tenant_id "            \
	"LEFT JOIN categories cat FORCE INDEX (PRIMARY) ON cat.id = t.category_id AND cat.tenant_id = t.tenant_id " \
	"LEFT JOIN teams tm FORCE INDEX (PRIMARY) ON tm.id = t.team_id AND tm.tenant_id = t.tenant_id "             \
	"LEFT JOIN tickets fo FORCE INDEX (PRIMARY) ON fo.id = t.follows_id AND fo.tenant_id = t.tenant_id "

/* The list statement's start; filters are appended as "AND ..." fragments. */
/* STRAIGHT_JOIN keeps tickets first, so a page is an index scan on tickets that stops at the
 * limit; left alone, the optimizer started from the customers and sorted the whole tenant. */
#define TICKET_LIST_SELECT "SELECT STRAIGHT_JOIN " TICKET_COLUMNS TICKET_JOINS "WHERE t.tenant_id = ?"

#endif
