/* user: people of a tenant as the API shows them, and the staff/customer directory. */
#ifndef USER_USER_H
#define USER_USER_H

struct json_object;
struct request;

#define USER_NAME_MAX  100
#define USER_EMAIL_MAX 254

/* {"id","email","name","role","company":{"id","name"}|null}; company_id <= 0 gives null. */
struct json_object *user_json(long long id, const char *email, const char *name, const char *role, long long company_id,
                              const char *company_name);

/* GET /users?role=staff|agent|customer */
int user_list(struct request *r);

/* Fields of PATCH /me. */
enum me_field { ME_AVAILABILITY, ME__MAX };

/* NULL-terminated, for the input spec. */
extern const char *const user_availability_names[3];

/* PATCH /me: staff set their availability for the router. */
int user_me_patch(struct request *r);
/* GET /notifications: the caller's inbox, newest first. */
int user_notifications(struct request *r);

#define USER_SKILLS_MAX   30 /* skills of one person */
#define USER_SKILL_MAX    60 /* characters of a skill's name */
#define USER_CAPACITY_MAX 10000

/* Fields of PUT /admin/agents/{id}. */
enum agent_field {
	AGENT_SKILLS,   /* {"printers": 4, ...}: the whole set, levels 1 to 5 */
	AGENT_CAPACITY, /* most open tickets at once */
	AGENT__MAX
};

/* GET /admin/agents: staff with their skills, capacity, availability and teams. */
int user_admin_agents(struct request *r);
/* PUT /admin/agents/{id}: replaces the skills, sets the capacity. */
int user_admin_agent_put(struct request *r);

#endif
