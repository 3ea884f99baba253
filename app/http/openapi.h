/* openapi: the API described as OpenAPI 3.1, rendered from the route table itself, so the
 * document can never drift from what the server does. */
#ifndef HTTP_OPENAPI_H
#define HTTP_OPENAPI_H

struct request;

/* GET /openapi.json */
int openapi_get(struct request *r);

#endif
