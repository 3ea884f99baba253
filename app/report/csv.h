/* csv: RFC 4180 text for report downloads, safe to open in a spreadsheet. */
#ifndef REPORT_CSV_H
#define REPORT_CSV_H

#include "../core/buf.h"

/* Appends one field: quoted when it holds a comma, quote, CR or LF; a field that starts
 * with = + - @ (or a tab or CR) gets a leading ' so no spreadsheet runs it as a formula. */
void csv_field(struct buf *b, const char *s);
/* Ends a record with CRLF. */
void csv_end(struct buf *b);

#endif
