/* wordcheck: fold both sides the same way, then compare word by word on word boundaries. */
#include "wordcheck.h"

#include <stdbool.h>
#include <string.h>

#include "../core/arena.h"
#include "../core/utf8.h"

/* Base letters of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A), lower case;
 * a NUL entry keeps the character as it is. Two-letter folds are handled in fold_cp. */
static const char latin_base[] = "aaaaaaaceeeeiiii"   /* C0-CF */
                                 "dnooooo\0ouuuuyts"  /* D0-DF: D7 is the multiplication sign */
                                 "aaaaaaaceeeeiiii"   /* E0-EF */
                                 "dnooooo\0ouuuuyty"  /* F0-FF: F7 is the division sign */
                                 "aaaaaaccccccccdd"   /* 100-10F */
                                 "ddeeeeeeeeeegggg"   /* 110-11F */
                                 "gggghhhhiiiiiiii"   /* 120-12F */
                                 "iiiijjkkklllllll"   /* 130-13F */
                                 "lllnnnnnnnnnoooo"   /* 140-14F */
                                 "oooorrrrrrssssss"   /* 150-15F */
                                 "ssssttttttuuuuuu"   /* 160-16F */
                                 "uuuuuuwwyyyzzzzzs"; /* 170-17F */

/* Appends the folded form of code point cp; returns the number of bytes written (at most 4).
 * Word characters come out as themselves or their base letters; others as a single space. */
static size_t fold_cp(unsigned cp, char *out)
{
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			out[0] = (char)cp;
		else if (cp >= 'A' && cp <= 'Z')
			out[0] = (char)(cp - 'A' + 'a');
		else
			out[0] = cp == '*' ? '*' : ' ';
		return 1;
	}
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
		return fold_cp(cp - 0xFF01 + 0x21, out);
	if (cp == 0xDF) { /* sharp s */
		out[0] = 's';
		out[1] = 's';
		return 2;
	}
	if (cp == 0xC6 || cp == 0xE6) {
		out[0] = 'a';
		out[1] = 'e';
		return 2;
	}
	if (cp == 0x152 || cp == 0x153) {
		out[0] = 'o';
		out[1] = 'e';
		return 2;
	}
	if (cp >= 0xC0 && cp <= 0x17F && latin_base[cp - 0xC0] != '\0') {
		out[0] = latin_base[cp - 0xC0];
		return 1;
	}
	if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || cp == 0xD7 || cp == 0xF7)
		return (out[0] = ' '), 1; /* punctuation, symbols and spaces */
	/* Other scripts: Greek and Cyrillic capitals to lower case, everything else as it is. */
	if (cp >= 0x391 && cp <= 0x3A9)
		cp += 0x20;
	else if (cp >= 0x410 && cp <= 0x42F)
		cp += 0x20;
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decodes one code point of valid UTF-8 at s; sets *n to its length. */
static unsigned decode(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xE0) {
		*n = 2;
		return ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (s[0] < 0xF0) {
		*n = 3;
		return ((unsigned)(s[0] & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	*n = 4;
	return ((unsigned)(s[0] & 0x07) << 18) | ((unsigned)(s[1] & 0x3F) << 12) | ((unsigned)(s[2] & 0x3F) << 6) |
	       (s[3] & 0x3F);
}

char *wordcheck_fold(struct arena *a, const char *text, size_t len)
{
	char *out = arena_alloc(a, 4 * len + 1);
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)text;

	if (!utf8_valid(text, len)) {
		out[0] = '\0';
		return out;
	}
	for (size_t i = 0; i < len;) {
		size_t n, w;
		char buf[4];

		w = fold_cp(decode(s + i, &n), buf);
		i += n;
		if (w == 1 && buf[0] == ' ') {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		memcpy(out + o, buf, w);
		o += w;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

int wordcheck_term_valid(const char *term)
{
	size_t len = strlen(term), chars;
	bool letter = false;

	if (!utf8_valid(term, len))
		return 0;
	chars = utf8_chars(term, len);
	if (chars == 0 || chars > WORDCHECK_TERM_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (term[i] == '*' && i != len - 1)
			return 0;
		if ((unsigned char)term[i] >= 0x80 || (term[i] >= '0' && term[i] <= '9') ||
		    ((term[i] | 0x20) >= 'a' && (term[i] | 0x20) <= 'z'))
			letter = true;
	}
	return letter;
}

/* True when the folded term occurs in the folded text on word boundaries. */
static bool occurs(const char *text, const char *term)
{
	size_t tl = strlen(term);
	bool prefix = tl > 0 && term[tl - 1] == '*';

	if (prefix)
		tl--;
	while (tl > 0 && term[tl - 1] == ' ')
		tl--;
	if (tl == 0)
		return false;
	for (const char *p = text; (p = strstr(p, "")) != NULL && *p != '\0';) {
		const char *hit = p;

		/* next candidate: at a word start */
		if (strncmp(hit, term, tl) == 0 && (hit == text || hit[-1] == ' ')) {
			char after = hit[tl];

			if (after == '\0' || after == ' ' || prefix)
				return true;
		}
		p = strchr(p, ' ');
		if (p == NULL)
			break;
		p++;
	}
	return false;
}

size_t wordcheck_find(struct arena *a, const char *text, size_t len, const char *const *terms, size_t n, size_t *found)
{
	const char *folded = wordcheck_fold(a, text, len);
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		const char *ft = wordcheck_fold(a, terms[i], strlen(terms[i]));

		if (occurs(folded, ft))
			found[count++] = i;
	}
	return count;
}
