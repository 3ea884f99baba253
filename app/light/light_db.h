/* light_db: the traffic lights stored per ticket: reacting to ticket changes, reading them for
 * the list, the ticket view and the board, and the sweeper that records breaches. */
#ifndef LIGHT_LIGHT_DB_H
#define LIGHT_LIGHT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "light.h"

struct arena;
struct db;
struct json_object;
struct jw;
struct request;
struct tenant;
struct tenant_cache;
struct ticket_change;

/* What a timeline event of kind (enum timeline_kind) means to the clocks; open_requests is the
 * number of the ticket's supplier requests still open after the event. */
enum light_trigger light_trigger_of(int kind, bool by_customer, bool public_note, long long open_requests);

/* Moves the ticket's clocks for one change (inside the change's transaction). 0 or -1. */
int light_on_change(struct db *db, struct arena *a, const struct ticket_change *c);

/* Reads the light states of tickets ids[0..n) into out[i][level] (zeroed when a ticket has
 * none). 0 or -1. */
int light_db_load(struct db *db, struct arena *a, long long tenant_id, const long long *ids, size_t n,
                  struct light_state (*out)[LEVEL__MAX]);

/* A column for a query over tickets aliased t: the ticket's light states packed into one string
 * ("level,started,running,accrued,amber,red;..."), so that a ticket and its lights come in one
 * statement. light_states_unpack reads it back. */
#define LIGHT_PACKED_COLUMN                                                                                      \
	"(SELECT GROUP_CONCAT(CONCAT_WS(',', l.level, COALESCE(UNIX_TIMESTAMP(l.cycle_started_at), 0), "         \
	"COALESCE(UNIX_TIMESTAMP(l.running_since), 0), l.accrued_seconds, COALESCE(UNIX_TIMESTAMP(l.amber_at), " \
	"0), COALESCE(UNIX_TIMESTAMP(l.red_at), 0)) SEPARATOR ';') FROM ticket_lights l WHERE l.tenant_id = "    \
	"t.tenant_id AND l.ticket_id = t.id)"

/* Reads LIGHT_PACKED_COLUMN's text (NULL: the ticket has no lights) into out, zeroed first;
 * fractions of seconds are dropped, as the other readers do. */
void light_states_unpack(const char *packed, struct light_state out[LEVEL__MAX]);

/* {"response":{...},"supplier":{...},"communication":{...}} for one ticket at instant now. */
/* The same written by w (the ticket and list responses), and as a json-c object for responses
 * built with json-c. */
void light_write(struct jw *w, const struct light_state states[LEVEL__MAX], time_t now);
struct json_object *light_json(const struct light_state states[LEVEL__MAX], time_t now);

/* Recomputes every open cycle of a tenant after its calendar or thresholds changed, in batches of
 * 500 tickets, each one short transaction; then takes the tenant's board summary again. A ticket
 * whose clocks moved gets a lights_recomputed entry on its timeline; their number goes to
 * *recorded (may be NULL). Returns the number of tickets recomputed, or -1. */
long long light_recompute_tenant(struct db *db, struct arena *a, const struct tenant *t, long long *recorded);

/* One pass of the breach sweeper over all tenants: records each light that turned amber or
 * red and has not been recorded. Returns the number recorded, or -1. */
long long light_sweep(struct db *db, struct arena *a, struct tenant_cache *tenants);

/* From this many running cycles a tenant's board reads the scheduler's summary (refreshed every
 * LIGHT_SUMMARY_EVERY seconds, ignored when older than LIGHT_SUMMARY_FRESH) instead of counting. */
#define LIGHT_SUMMARY_MIN   10000
#define LIGHT_SUMMARY_EVERY 15
#define LIGHT_SUMMARY_FRESH 120

/* Takes every large tenant's board summary (per pipeline, the tickets' own team and level) now;
 * drops small tenants'.
 * Returns the number of tenants summarised, or -1. */
long long light_board_summarise(struct db *db, struct arena *a);

/* GET /board */
int light_board(struct request *r);

#endif
