/* fuzz_csv: csv_field and csv_end as the report download uses them (fields joined by the caller's
 * commas, each record ended by csv_end) over arbitrary cell text. The first byte gives the fields
 * per record (1 to 4) and, in its top bit, whether an empty cell is passed as NULL; the rest,
 * split at NUL bytes, is the cells, in order. The output is read back by a strict RFC 4180
 * reader (records end in CRLF; a field is either quoted, with quotes doubled inside, or holds no
 * comma, quote, CR or LF). Properties checked on every input:
 * - the whole output reads back, as exactly the records and fields written;
 * - each field reads back as its cell's text, except that a cell starting with = + - @ tab or CR
 *   reads back with a ' before it: so no field read back starts with one of those;
 * - a field is quoted exactly when its cell holds a comma, quote, CR or LF or is neutralised. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/core/buf.h"
#include "../../app/report/csv.h"

#define FUZZ_ASSERT(cond, what)                                                              \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_csv: %s (%s:%d)\n", what, __FILE__, __LINE__); \
			abort();                                                             \
		}                                                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* Reads one field at *pos into field; *quoted says how it was written. False when the text
 * there is not an RFC 4180 field. */
static bool read_field(const char *csv, size_t len, size_t *pos, struct buf *field, bool *quoted)
{
	size_t p = *pos;

	buf_reset(field);
	*quoted = p < len && csv[p] == '"';
	if (!*quoted) {
		while (p < len && csv[p] != ',' && csv[p] != '\r') {
			if (csv[p] == '"' || csv[p] == '\n')
				return false;
			buf_putc(field, csv[p++]);
		}
		*pos = p;
		return true;
	}
	for (p++;; p++) {
		if (p >= len)
			return false;
		if (csv[p] == '"') {
			if (p + 1 < len && csv[p + 1] == '"') {
				buf_putc(field, '"');
				p++;
				continue;
			}
			*pos = p + 1;
			return true;
		}
		buf_putc(field, csv[p]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t per_record, ncells = 0, pos = 0, cell = 0;
	bool null_empty;
	char *text, *at;
	const char **cells;
	struct buf out, field;

	if (size == 0)
		return 0;
	per_record = 1 + (data[0] & 0x7f) % 4;
	null_empty = (data[0] & 0x80) != 0;
	/* The cells, NUL-terminated in a copy: size - 1 bytes give at most size cells. */
	text = malloc(size);
	cells = malloc(size * sizeof(*cells));
	FUZZ_ASSERT(text != NULL && cells != NULL, "out of memory");
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	for (at = text; at <= text + size - 1; at += strlen(at) + 1)
		cells[ncells++] = at;

	buf_init(&out);
	buf_init(&field);
	for (size_t i = 0; i < ncells; i++) {
		if (i % per_record != 0)
			buf_putc(&out, ',');
		csv_field(&out, null_empty && cells[i][0] == '\0' ? NULL : cells[i]);
		if (i % per_record == per_record - 1 || i == ncells - 1)
			csv_end(&out);
	}
	FUZZ_ASSERT(strlen(out.data) == out.len, "the output holds a NUL");

	while (pos < out.len) {
		size_t in_record = 0;

		for (;;) {
			const char *want;
			bool quoted, neutral;

			FUZZ_ASSERT(cell < ncells, "more fields read back than written");
			want = cells[cell];
			neutral = formula_start(want[0]);
			FUZZ_ASSERT(read_field(out.data, out.len, &pos, &field, &quoted), "a field is not RFC 4180");
			FUZZ_ASSERT(!formula_start(field.data[0]), "a field reads back as a formula");
			if (neutral)
				FUZZ_ASSERT(field.data[0] == '\'' && strcmp(field.data + 1, want) == 0,
				            "a formula cell is not its text behind a '");
			else
				FUZZ_ASSERT(strcmp(field.data, want) == 0 && field.len == strlen(want),
				            "a field does not read back as its cell");
			FUZZ_ASSERT(quoted == (neutral || strpbrk(want, ",\"\r\n") != NULL),
			            "a field quoted when it need not be, or not when it must");
			cell++;
			in_record++;
			if (pos < out.len && out.data[pos] == ',') {
				pos++;
				continue;
			}
			FUZZ_ASSERT(pos + 1 < out.len && out.data[pos] == '\r' && out.data[pos + 1] == '\n',
			            "a record does not end in CRLF");
			pos += 2;
			break;
		}
		FUZZ_ASSERT(in_record == per_record || cell == ncells, "a record of the wrong width");
	}
	FUZZ_ASSERT(cell == ncells, "fewer fields read back than written");

	buf_release(&field);
	buf_release(&out);
	free(cells);
	free(text);
	return 0;
}
