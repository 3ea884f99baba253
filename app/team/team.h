/* team: groups of staff. A pipeline or a category may belong to a team; by team, agents see
 * their teams' tickets and the router picks within the team. Tenant admins edit them here. */
#ifndef TEAM_TEAM_H
#define TEAM_TEAM_H

struct request;

#define TEAM_NAME_MAX    60
#define TEAM_MAX         100 /* teams of one tenant */
#define TEAM_MEMBERS_MAX 200 /* members of one team */

/* Fields of POST /admin/teams and PUT /admin/teams/{id}. */
enum team_field {
	TEAM_NAME,
	TEAM_MEMBERS, /* staff user ids; the whole list */
	TEAM__MAX
};

/* GET /admin/teams: every team with its members and the pipelines it owns. */
int team_admin_list(struct request *r);
/* POST /admin/teams → 201. */
int team_admin_create(struct request *r);
/* PUT /admin/teams/{id}: renames it and replaces its members. */
int team_admin_put(struct request *r);

#endif
