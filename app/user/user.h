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

#endif
