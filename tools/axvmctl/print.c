// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: the one printing layer. A command describes what it shows as
 * a table of struct field (key, kind, value); this file prints it either
 * for people (aligned text) or, with --json, as one JSON document built
 * with json-c. No command prints JSON by itself, so the keys of the two
 * forms cannot drift apart.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "axvmctl.h"

/* ---- JSON --------------------------------------------------------------- */

static json_object *object_json(const struct field *f, size_t n);

static json_object *field_json(const struct field *f)
{
	json_object *a;
	size_t i;

	switch (f->kind) {
	case F_STR:
		return json_object_new_string(f->s ? f->s : "");
	case F_U64:
		return json_object_new_uint64(f->u);
	case F_S64:
		return json_object_new_int64(f->i);
	case F_OBJ:
		return object_json(f->sub, f->n);
	case F_STRS:
		a = json_object_new_array();
		for (i = 0; a && i < f->n; i++)
			json_object_array_add(a, json_object_new_string(f->strs[i]));
		return a;
	}
	return NULL;
}

static json_object *object_json(const struct field *f, size_t n)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; o && i < n; i++)
		json_object_object_add(o, f[i].key, field_json(&f[i]));
	return o;
}

static int emit_json(json_object *o)
{
	const char *s;

	if (!o)
		return -1;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	printf("%s\n", s);
	json_object_put(o);
	return 0;
}

/* ---- text --------------------------------------------------------------- */

static const char *label(const struct field *f)
{
	return f->label ? f->label : f->key;
}

static const char *text_value(const struct field *f, char *buf, size_t len)
{
	size_t i, off = 0;

	if (f->text[0])
		return f->text;
	switch (f->kind) {
	case F_STR:
		return f->s && *f->s ? f->s : "-";
	case F_U64:
		snprintf(buf, len, "%llu", (unsigned long long)f->u);
		return buf;
	case F_S64:
		snprintf(buf, len, "%lld", (long long)f->i);
		return buf;
	case F_STRS:
		buf[0] = '\0';
		for (i = 0; i < f->n && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						i ? " " : "", f->strs[i]);
		return f->n ? buf : "-";
	case F_OBJ:
		break;
	}
	return "";
}

static void object_text(const struct field *f, size_t n, int indent)
{
	char buf[512];
	size_t i;
	int w = 0;

	for (i = 0; i < n; i++)
		if (f[i].kind != F_OBJ && (int)strlen(label(&f[i])) > w)
			w = (int)strlen(label(&f[i]));
	for (i = 0; i < n; i++) {
		if (f[i].kind == F_OBJ) {
			printf("%*s%s:\n", indent, "", label(&f[i]));
			object_text(f[i].sub, f[i].n, indent + 2);
			continue;
		}
		printf("%*s%s:%*s %s\n", indent, "", label(&f[i]),
		       w - (int)strlen(label(&f[i])), "",
		       text_value(&f[i], buf, sizeof(buf)));
	}
}

int print_object(const struct field *f, size_t n, bool json)
{
	if (json)
		return emit_json(object_json(f, n));
	object_text(f, n, 0);
	return 0;
}

static void header(const char *key, char *buf, size_t len)
{
	size_t i;

	for (i = 0; key[i] && i + 1 < len; i++)
		buf[i] = (char)toupper((unsigned char)key[i]);
	buf[i] = '\0';
}

/* A table cell: padded to @w, or the end of the line. */
static void cell(const char *s, int w, bool last)
{
	if (last)
		printf("%s\n", s);
	else
		printf("%-*s  ", w, s);
}

int print_table(const char *const *cols, size_t ncols,
		const struct field *cells, size_t n, bool json)
{
	char buf[512], h[32];
	size_t r, c;
	int w[16] = { 0 };

	if (json) {
		json_object *a = json_object_new_array();

		for (r = 0; a && r < n; r++)
			json_object_array_add(a, object_json(&cells[r * ncols],
							     ncols));
		return emit_json(a);
	}
	if (ncols > ARRAY_SIZE(w))
		ncols = ARRAY_SIZE(w);
	for (c = 0; c < ncols; c++) {
		header(cols[c], h, sizeof(h));
		w[c] = (int)strlen(h);
		for (r = 0; r < n; r++) {
			int l = (int)strlen(text_value(&cells[r * ncols + c],
						       buf, sizeof(buf)));
			if (l > w[c])
				w[c] = l;
		}
	}
	for (c = 0; c < ncols; c++) {
		header(cols[c], h, sizeof(h));
		cell(h, w[c], c + 1 == ncols);
	}
	for (r = 0; r < n; r++)
		for (c = 0; c < ncols; c++)
			cell(text_value(&cells[r * ncols + c], buf,
					sizeof(buf)), w[c], c + 1 == ncols);
	return 0;
}

/* ---- what a VM shows ---------------------------------------------------- */

#define FSTR(k, v)	((struct field){ .key = (k), .kind = F_STR, .s = (v) })
#define FU64(k, v)	((struct field){ .key = (k), .kind = F_U64, .u = (v) })
#define FS64(k, v)	((struct field){ .key = (k), .kind = F_S64, .i = (v) })

size_t vm_fields(const struct axvm_vm_info *in, bool detail,
		 struct field *out, struct field *stats)
{
	const struct axvm_vm_stats *s = &in->stats;
	size_t n = 0, ns = 0;

	out[n++] = FU64("id", in->id);
	out[n++] = FSTR("name", in->name);
	out[n++] = FSTR("state", state_name(in->state));
	out[n++] = FSTR("mode", in->flags & AXVM_VM_MANAGED ? "managed" : "vmm");
	out[n++] = FU64("vcpus", in->nr_vcpus);
	out[n] = FU64("memory_bytes", in->memory_bytes);
	out[n].label = "memory";
	format_size(in->memory_bytes, out[n].text, sizeof(out[n].text));
	n++;
	/* Last, so list's columns before it stay where they were. */
	out[n++] = FSTR("platform", platform_name(in->flags));
	if (!detail)
		return n;

	out[n++] = FU64("max_vcpus", in->max_vcpus);
	out[n++] = FSTR("exit_reason", stop_reason_name(in->exit_reason));
	out[n++] = FS64("exit_code", in->exit_code);
	out[n++] = FU64("created_ns", in->created_ns);

	stats[ns++] = FU64("exits", s->exits);
	stats[ns++] = FU64("io_exits", s->io_exits);
	stats[ns++] = FU64("mmio_exits", s->mmio_exits);
	stats[ns++] = FU64("unhandled_io", s->unhandled_io);
	stats[ns++] = FU64("unhandled_mmio", s->unhandled_mmio);
	stats[ns++] = FU64("injected_irqs", s->injected_irqs);
	stats[ns++] = FU64("hypercalls", s->hypercalls);
	stats[ns++] = FU64("halts", s->halts);
	stats[ns++] = FU64("npf_populated", s->npf_populated);
	out[n] = (struct field){ .key = "stats", .kind = F_OBJ, .sub = stats,
				 .n = ns };
	return n + 1;
}
