/* csv: the writer; fields are separated by the caller's commas. */
#include "csv.h"

#include <stdbool.h>
#include <string.h>

void csv_field(struct buf *b, const char *s)
{
	bool formula, quote;

	if (s == NULL)
		s = "";
	formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
	quote = strpbrk(s, ",\"\r\n") != NULL || formula;
	if (!quote) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void csv_end(struct buf *b)
{
	buf_puts(b, "\r\n");
}
