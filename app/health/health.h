/* health: liveness and readiness for nginx, load balancers and operators. */
#ifndef HEALTH_HEALTH_H
#define HEALTH_HEALTH_H

struct request;

/* GET /healthz: 200 when the database answers, 503 when it does not. Needs no tenant. */
int health_get(struct request *r);
/* GET /routes: the route table (name, method, path, roles): the API's own reference, and
 * what the authorization matrix test walks. */
int health_routes(struct request *r);

/* GET /ping: touches neither the database nor a token: the FastCGI pool's own ceiling. */
int health_ping(struct request *r);

#endif
