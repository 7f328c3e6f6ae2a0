// SPDX-License-Identifier: GPL-2.0
/*
 * jsoncheck: the few JSON assertions the CLI tests need, for a busybox
 * host without jq. Built static with json-c.
 *
 *   jsoncheck FILE                       FILE holds one JSON document
 *   jsoncheck FILE PATH TYPE [VALUE]     the value at PATH has TYPE
 *                                        (string number array object bool)
 *                                        and, if given, VALUE
 *   jsoncheck FILE PATH absent           there is nothing at PATH
 *   jsoncheck FILE PATH length N         array or object of N items
 *   jsoncheck FILE PATH contains STR     an array holding the string STR
 *   jsoncheck FILE PATH min N            a number >= N
 *
 * FILE "-" is stdin. PATH: "." is the document; then ".key", "[N]" and
 * "[key=value]" (the first array element whose key has that value),
 * e.g. '.[0].state', '.[id=3].stats.exits', '.capabilities'.
 * Exit status: 0 the check holds, 1 it does not (stderr says why),
 * 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

static const char *file, *path;

static int fail(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "jsoncheck: %s: %s: ", file, path ? path : ".");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 1;
}

static const char *shown(json_object *v)
{
	return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
		   JSON_C_TO_STRING_NOSLASHESCAPE) : "(nothing)";
}

/* A scalar as text, for [key=value] and value comparisons. */
static const char *scalar(json_object *v, char *buf, size_t len)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		return json_object_get_string(v);
	case json_type_int:
		if (json_object_get_int64(v) < 0)
			snprintf(buf, len, "%lld",
				 (long long)json_object_get_int64(v));
		else
			snprintf(buf, len, "%llu",
				 (unsigned long long)json_object_get_uint64(v));
		return buf;
	case json_type_boolean:
		return json_object_get_boolean(v) ? "true" : "false";
	default:
		return shown(v);
	}
}

static json_object *select_elem(json_object *a, const char *key,
				const char *val)
{
	char buf[32];
	json_object *e, *k;
	size_t i;

	if (!json_object_is_type(a, json_type_array))
		return NULL;
	for (i = 0; i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		if (json_object_object_get_ex(e, key, &k) &&
		    !strcmp(scalar(k, buf, sizeof(buf)), val))
			return e;
	}
	return NULL;
}

/* Follow PATH from @v; NULL when it leads nowhere, -1 *bad on bad syntax. */
static json_object *walk(json_object *v, const char *p, int *bad)
{
	char seg[256], *eq, *end;
	size_t n;

	if (*p != '.') {
		*bad = 1;
		return NULL;
	}
	p++;
	while (*p && v) {
		if (*p == '.') {
			p++;
			continue;
		}
		if (*p == '[') {
			end = strchr(p, ']');
			n = end ? (size_t)(end - p - 1) : 0;
			if (!end || !n || n >= sizeof(seg)) {
				*bad = 1;
				return NULL;
			}
			memcpy(seg, p + 1, n);
			seg[n] = '\0';
			p = end + 1;
			eq = strchr(seg, '=');
			if (eq) {
				*eq = '\0';
				v = select_elem(v, seg, eq + 1);
			} else {
				char *e;
				unsigned long i = strtoul(seg, &e, 10);

				if (*e) {
					*bad = 1;
					return NULL;
				}
				v = json_object_is_type(v, json_type_array) &&
				    i < json_object_array_length(v) ?
				    json_object_array_get_idx(v, i) : NULL;
			}
			continue;
		}
		n = strcspn(p, ".[");
		if (n >= sizeof(seg)) {
			*bad = 1;
			return NULL;
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		p += n;
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, seg, &v))
			return NULL;
	}
	return v;
}

static const struct {
	const char *name;
	json_type type;
} types[] = {
	{ "string", json_type_string }, { "number", json_type_int },
	{ "array", json_type_array }, { "object", json_type_object },
	{ "bool", json_type_boolean },
};

static int check(json_object *v, const char *what, const char *arg)
{
	char buf[32];
	size_t i;

	if (!strcmp(what, "absent"))
		return v ? fail("expected nothing, found %s%s", shown(v), "") : 0;
	if (!v)		/* json-c: nothing there, or a JSON null */
		return fail("nothing there%s%s", "", "");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(what, types[i].name))
			continue;
		if (!json_object_is_type(v, types[i].type) &&
		    !(types[i].type == json_type_int &&
		      json_object_is_type(v, json_type_double)))
			return fail("expected a %s, found %s", what, shown(v));
		if (arg && strcmp(scalar(v, buf, sizeof(buf)), arg))
			return fail("expected %s, found %s", arg, shown(v));
		return 0;
	}
	if (!strcmp(what, "length") && arg) {
		size_t n;

		if (json_object_is_type(v, json_type_array))
			n = json_object_array_length(v);
		else if (json_object_is_type(v, json_type_object))
			n = (size_t)json_object_object_length(v);
		else
			return fail("expected an array or object, found %s%s",
				    shown(v), "");
		snprintf(buf, sizeof(buf), "%zu", n);
		return strcmp(buf, arg) ? fail("expected %s items, found %s",
					       arg, buf) : 0;
	}
	if (!strcmp(what, "contains") && arg) {
		if (!json_object_is_type(v, json_type_array))
			return fail("expected an array, found %s%s", shown(v), "");
		for (i = 0; i < json_object_array_length(v); i++) {
			json_object *e = json_object_array_get_idx(v, i);

			if (json_object_is_type(e, json_type_string) &&
			    !strcmp(json_object_get_string(e), arg))
				return 0;
		}
		return fail("\"%s\" not in %s", arg, shown(v));
	}
	if (!strcmp(what, "min") && arg) {
		long long want = strtoll(arg, NULL, 0);

		if (!json_object_is_type(v, json_type_int))
			return fail("expected a number, found %s%s", shown(v), "");
		if (json_object_get_int64(v) < want)
			return fail("expected at least %s, found %s", arg, shown(v));
		return 0;
	}
	fprintf(stderr, "jsoncheck: bad check \"%s\"\n", what);
	return 2;
}

/* Exactly one JSON document, whitespace around it allowed. */
static json_object *read_doc(FILE *f)
{
	static char text[1 << 20];
	struct json_tokener *tok;
	json_object *root;
	size_t len, end;

	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	if (len == sizeof(text) - 1 || strlen(text) != len)
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	root = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    text[end + strspn(text + end, " \t\r\n")]) {
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

int main(int argc, char **argv)
{
	json_object *root, *v;
	int bad = 0, ret;
	FILE *f;

	if (argc != 2 && (argc < 4 || argc > 5)) {
		fprintf(stderr, "usage: jsoncheck FILE [PATH CHECK [VALUE]]\n");
		return 2;
	}
	file = argv[1];
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "jsoncheck: %s: %s\n", file, strerror(errno));
		return 1;
	}
	root = read_doc(f);
	if (f != stdin)
		fclose(f);
	if (!root) {
		fprintf(stderr, "jsoncheck: %s: not one JSON document\n", file);
		return 1;
	}
	if (argc == 2)
		return 0;
	path = argv[2];
	v = walk(root, path, &bad);
	if (bad) {
		fprintf(stderr, "jsoncheck: bad path \"%s\"\n", path);
		return 2;
	}
	ret = check(v, argv[3], argc == 5 ? argv[4] : NULL);
	json_object_put(root);
	return ret;
}
