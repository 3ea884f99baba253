/* tenant_http: the tenant's public face and its pipeline as the API shows them. */
#ifndef TENANT_TENANT_HTTP_H
#define TENANT_TENANT_HTTP_H

struct json_object;
struct request;
struct tenant;

/* {"slug","name","branding":{...},"settings":{...}}: safe to show anyone who reaches the host. */
struct json_object *tenant_public_json(const struct tenant *t);

/* GET /tenant (no sign-in needed). */
int tenant_get(struct request *r);
/* GET /statuses: staff see staff names, colours and transitions; customers the customer names. */
int tenant_statuses(struct request *r);

#endif
