/* utf8: a table-free decoder following the well-formed byte sequences of Unicode table 3-7. */
#include "utf8.h"

bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		unsigned char c = *s;
		size_t need;
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0)
			return false;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return false;
		if ((size_t)(end - s) <= need)
			return false;
		if (s[1] < lo || s[1] > hi)
			return false;
		for (size_t i = 2; i <= need; i++)
			if (s[i] < 0x80 || s[i] > 0xBF)
				return false;
		s += need + 1;
	}
	return true;
}

size_t utf8_chars(const char *str, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)str[i] & 0xC0) != 0x80)
			n++;
	return n;
}
