/* word_list: the tenant admin's neutral-language list. */
#ifndef NOTE_WORD_LIST_H
#define NOTE_WORD_LIST_H

struct request;

/* Fields of PUT /admin/word_list. */
enum word_list_field { WORD_LIST_TERMS, WORD_LIST_CHECK_INTERNAL, WORD_LIST__MAX };

int word_list_get(struct request *r);
/* Replaces the list; takes effect in every worker at its next request. */
int word_list_put(struct request *r);

#endif
