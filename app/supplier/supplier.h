/* supplier: requests to third parties a ticket waits on; they drive the second traffic light. */
#ifndef SUPPLIER_SUPPLIER_H
#define SUPPLIER_SUPPLIER_H

struct request;

#define SUPPLIER_NAME_MAX     100
#define SUPPLIER_QUESTION_MAX 2000

/* Fields of POST /tickets/{number}/supplier_requests. */
enum supplier_ask_field { SUPPLIER_ASK_SUPPLIER, SUPPLIER_ASK_QUESTION, SUPPLIER_ASK__MAX };

int supplier_request_list(struct request *r);
int supplier_request_create(struct request *r);
int supplier_request_answer(struct request *r);

#endif
