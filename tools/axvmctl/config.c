// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: a VM config file (DESIGN.md §8): JSON with axvisor's sections
 * and keys (base, kernel, devices), so an axvisor user recognises them.
 *
 * Every key axvisor defines is known by name. Those we cannot honour yet
 * are refused with "not supported" naming the key, unless their value
 * asks for nothing (null, "", [] or {}), as axvisor's templates often
 * have (cmdline, ramdisk_path and ramdisk_load_addr, supported now, still
 * take such a value as none). Unknown keys and bad values are errors
 * naming the file and the key, e.g.
 * `cfg.json: kernel.memory_regions[0].size: bad size "64Q"`.
 * memory_regions and emu_devices may be objects or axvisor's tuples
 * ([gpa, size, flags, map_type], [name, base_gpa, length, irq_id,
 * emu_type, cfg_list]).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "axvmctl.h"

#define CONFIG_MAX_BYTES	(1 << 20)
#define PAGE_SIZE_4K		0x1000ULL
#define PORT_SPACE_END		0x10000ULL

struct cctx {
	const char *file;
	char dir[PATH_MAX];
	struct vm_config *cfg;
	char *err;
	size_t errlen;
	bool has_cpu_num;
	bool no_irq;
};

typedef int (*key_fn)(struct cctx *c, const char *path, json_object *v);

struct key {
	const char *name;
	key_fn fn;		/* NULL: an axvisor key we do not support */
};

static int cerr(struct cctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cerr(struct cctx *c, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path && *path)
		snprintf(c->err, c->errlen, "%s: %s: %s", c->file, path, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
	return -1;
}

/* A value as it appears in the file, shortened for a message. */
static const char *shown(json_object *v)
{
	static char buf[72];
	const char *s = json_object_to_json_string_ext(v,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	snprintf(buf, sizeof(buf), "%s", s ? s : "null");
	if (strlen(s ? s : "") >= sizeof(buf))
		strcpy(buf + sizeof(buf) - 4, "...");
	return buf;
}

static int bad(struct cctx *c, const char *path, const char *what,
	       json_object *v)
{
	return cerr(c, path, "bad %s %s", what, shown(v));
}

static int get_num(struct cctx *c, const char *path, json_object *v,
		   bool size, uint64_t *out)
{
	const char *what = size ? "size" : "number";
	int ret;

	switch (json_object_get_type(v)) {
	case json_type_int:
		if (json_object_get_int64(v) < 0)
			return bad(c, path, what, v);
		*out = json_object_get_uint64(v);
		return 0;
	case json_type_string:
		ret = size ? parse_size(json_object_get_string(v), out) :
			     parse_u64(json_object_get_string(v), out);
		if (ret == -ERANGE)
			return cerr(c, path, "out of range: %s", shown(v));
		if (ret)
			return bad(c, path, what, v);
		return 0;
	default:
		return bad(c, path, what, v);
	}
}

static int get_u32(struct cctx *c, const char *path, json_object *v,
		   uint32_t *out)
{
	uint64_t n;

	if (get_num(c, path, v, false, &n))
		return -1;
	if (n > UINT32_MAX)
		return cerr(c, path, "out of range: %s", shown(v));
	*out = (uint32_t)n;
	return 0;
}

static int get_str(struct cctx *c, const char *path, json_object *v,
		   const char **out)
{
	if (!json_object_is_type(v, json_type_string))
		return cerr(c, path, "expected a string, got %s", shown(v));
	*out = json_object_get_string(v);
	return 0;
}

/* One of the words of @w (a mode, a platform): its number. */
static int get_word(struct cctx *c, const char *path, json_object *v,
		    const struct word_set *w, int *out)
{
	const char *s = NULL;

	if (get_str(c, path, v, &s))
		return -1;
	*out = word_index(w, s);
	if (*out < 0)
		return cerr(c, path, "bad %s %s (%s)", w->what, shown(v),
			    w->choices);
	return 0;
}

static bool asks_nothing(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return true;
	case json_type_string:
		return !*json_object_get_string(v);
	case json_type_array:
		return !json_object_array_length(v);
	case json_type_object:
		return !json_object_object_length(v);
	default:
		return false;
	}
}

static int walk(struct cctx *c, const char *prefix, json_object *obj,
		const struct key *keys, size_t n)
{
	char path[128];
	size_t i;

	if (!json_object_is_type(obj, json_type_object))
		return cerr(c, prefix, "expected an object, got %s", shown(obj));
	json_object_object_foreach(obj, k, v) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
			 *prefix ? "." : "", k);
		for (i = 0; i < n; i++)
			if (!strcmp(k, keys[i].name))
				break;
		if (i == n)
			return cerr(c, path, "unknown key");
		if (!keys[i].fn) {
			if (asks_nothing(v))
				continue;
			return cerr(c, path, "not supported");
		}
		if (keys[i].fn(c, path, v))
			return -1;
	}
	return 0;
}

/* ---- base --------------------------------------------------------------- */

static int base_id(struct cctx *c, const char *path, json_object *v)
{
	if (get_u32(c, path, v, &c->cfg->id))
		return -1;
	if (c->cfg->id == AXVM_ID_NONE)
		return cerr(c, path, "out of range: %s", shown(v));
	return 0;
}

static int set_name(struct cctx *c, const char *path, const char *s)
{
	if (strlen(s) >= AXVM_NAME_LEN)
		return cerr(c, path, "longer than %d bytes", AXVM_NAME_LEN - 1);
	strcpy(c->cfg->name, s);
	return 0;
}

static int base_name(struct cctx *c, const char *path, json_object *v)
{
	const char *s = NULL;

	return get_str(c, path, v, &s) ?: set_name(c, path, s);
}

/* axvisor's 0 host, 1 RTOS, 2 Linux: all run the same way here. */
static int base_vm_type(struct cctx *c, const char *path, json_object *v)
{
	uint32_t t = 0;

	if (get_u32(c, path, v, &t))
		return -1;
	if (t > 2)
		return bad(c, path, "vm_type", v);
	return 0;
}

static int base_cpu_num(struct cctx *c, const char *path, json_object *v)
{
	uint32_t n;

	if (get_u32(c, path, v, &n))
		return -1;
	if (n < 1 || n > VM_MAX_VCPUS)
		return cerr(c, path, "must be 1..%d, not %s", VM_MAX_VCPUS,
			    shown(v));
	c->cfg->cpu_num = n;
	c->has_cpu_num = true;
	return 0;
}

static int base_phys_cpu_sets(struct cctx *c, const char *path,
			      json_object *v)
{
	char ipath[160];
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return cerr(c, path, "expected an array, got %s", shown(v));
	n = json_object_array_length(v);
	if (n < 1 || n > CFG_MAX_PCPU_SETS)
		return cerr(c, path, "must have 1..%d masks, not %zu",
			    CFG_MAX_PCPU_SETS, n);
	for (i = 0; i < n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (get_num(c, ipath, json_object_array_get_idx(v, i), false,
			    &c->cfg->pcpu_sets[i]))
			return -1;
	}
	c->cfg->nr_pcpu_sets = (unsigned int)n;
	return 0;
}

/* Our addition: "pc" (the default, when the module has it) or "none". */
static int base_platform(struct cctx *c, const char *path, json_object *v)
{
	return get_word(c, path, v, &platform_words, &c->cfg->platform);
}

/* Our addition: a guest reset ends the VM instead of rebooting it. */
static int base_no_reboot(struct cctx *c, const char *path, json_object *v)
{
	if (!json_object_is_type(v, json_type_boolean))
		return cerr(c, path, "expected true or false, got %s", shown(v));
	c->cfg->no_reboot = json_object_get_boolean(v);
	return 0;
}

static const struct key base_keys[] = {
	{ "id", base_id },
	{ "name", base_name },
	{ "vm_type", base_vm_type },
	{ "cpu_num", base_cpu_num },
	{ "phys_cpu_ids", NULL },
	{ "phys_cpu_sets", base_phys_cpu_sets },
	{ "platform", base_platform },
	{ "no_reboot", base_no_reboot },
};

/* ---- kernel ------------------------------------------------------------- */

static int kernel_entry_point(struct cctx *c, const char *path, json_object *v)
{
	c->cfg->has_entry = true;
	return get_num(c, path, v, false, &c->cfg->entry);
}

static int kernel_ap_entry(struct cctx *c, const char *path, json_object *v)
{
	c->cfg->has_ap_entry = true;
	return get_num(c, path, v, false, &c->cfg->ap_entry);
}

static int kernel_load_addr(struct cctx *c, const char *path, json_object *v)
{
	c->cfg->has_load_addr = true;
	return get_num(c, path, v, false, &c->cfg->load_addr);
}

/* "fs": a file (what we do); "memory": linked into the hypervisor. */
static int kernel_image_location(struct cctx *c, const char *path,
				 json_object *v)
{
	const char *s = NULL;

	if (get_str(c, path, v, &s))
		return -1;
	if (!strcmp(s, "fs"))
		return 0;
	if (!strcmp(s, "memory"))
		return cerr(c, path, "\"memory\" not supported");
	return bad(c, path, "image_location", v);
}

/* A readable file, relative to the config file's directory: into @out. */
static int get_file(struct cctx *c, const char *path, json_object *v,
		    char *out, size_t len)
{
	const char *s = NULL;
	int n;

	if (get_str(c, path, v, &s))
		return -1;
	if (!*s)
		return cerr(c, path, "empty path");
	if (s[0] == '/')
		n = snprintf(out, len, "%s", s);
	else
		n = snprintf(out, len, "%s/%s", c->dir, s);
	if (n < 0 || (size_t)n >= len)
		return cerr(c, path, "path too long");
	if (access(out, R_OK))
		return cerr(c, path, "%s: %s", out, strerror(errno));
	return 0;
}

static int kernel_path(struct cctx *c, const char *path, json_object *v)
{
	if (get_file(c, path, v, c->cfg->image, sizeof(c->cfg->image)))
		return -1;
	c->cfg->image_kind = IMAGE_AUTO;
	return 0;
}

/*
 * The first (and only) Multiboot module; --initrd replaces it. This key,
 * ramdisk_load_addr and cmdline take a value asking nothing as none, as
 * they did before they were supported.
 */
static int kernel_ramdisk_path(struct cctx *c, const char *path,
			       json_object *v)
{
	if (asks_nothing(v))
		return 0;
	if (get_file(c, path, v, c->cfg->modules[0],
		     sizeof(c->cfg->modules[0])))
		return -1;
	c->cfg->nr_modules = 1;
	return 0;
}

static int kernel_ramdisk_load_addr(struct cctx *c, const char *path,
				    json_object *v)
{
	if (asks_nothing(v))
		return 0;
	if (get_num(c, path, v, false, &c->cfg->module_addr))
		return -1;
	if (c->cfg->module_addr & (PAGE_SIZE_4K - 1))
		return cerr(c, path, "not 4 KiB aligned: %s", shown(v));
	return 0;
}

static int kernel_cmdline(struct cctx *c, const char *path, json_object *v)
{
	const char *s = "";

	if (!asks_nothing(v) && get_str(c, path, v, &s))
		return -1;
	if (strlen(s) >= sizeof(c->cfg->cmdline))
		return cerr(c, path, "longer than %d bytes",
			    AXVM_CMDLINE_MAX - 1);
	strcpy(c->cfg->cmdline, s);
	return 0;
}

static int kernel_mode(struct cctx *c, const char *path, json_object *v)
{
	return get_word(c, path, v, &mode_words, &c->cfg->mode);
}

/* A field of an element given as an object or as axvisor's tuple. */
struct elem {
	json_object *obj;	/* an object, or a tuple (array) */
	const char *const *names;	/* tuple order */
	size_t nr_names;
	char path[96];
};

static json_object *elem_get(const struct elem *e, const char *name,
			     char *path, size_t len)
{
	json_object *v = NULL;
	size_t i;

	snprintf(path, len, "%s.%s", e->path, name);
	if (json_object_is_type(e->obj, json_type_object)) {
		json_object_object_get_ex(e->obj, name, &v);
		return v;
	}
	for (i = 0; i < e->nr_names; i++)
		if (!strcmp(e->names[i], name))
			return json_object_array_get_idx(e->obj, i);
	return NULL;
}

static int elem_check(struct cctx *c, struct elem *e, size_t min_tuple)
{
	size_t i, n;

	if (json_object_is_type(e->obj, json_type_object)) {
		json_object_object_foreach(e->obj, k, v) {
			(void)v;
			for (i = 0; i < e->nr_names; i++)
				if (!strcmp(k, e->names[i]))
					break;
			if (i == e->nr_names) {
				char path[160];

				snprintf(path, sizeof(path), "%s.%s", e->path, k);
				return cerr(c, path, "unknown key");
			}
		}
		return 0;
	}
	if (!json_object_is_type(e->obj, json_type_array))
		return cerr(c, e->path, "expected an object, got %s",
			    shown(e->obj));
	n = json_object_array_length(e->obj);
	if (n < min_tuple || n > e->nr_names)
		return cerr(c, e->path, "expected an object or [%s, ...] with %zu..%zu items",
			    e->names[0], min_tuple, e->nr_names);
	return 0;
}

static const char *const region_names[] = { "gpa", "size", "flags", "map_type" };

static int region_map_type(struct cctx *c, const char *path, json_object *v,
			   uint32_t *out)
{
	const char *s = NULL;
	uint64_t n;

	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (!strcasecmp(s, "alloc") || !strcmp(s, "MapAlloc")) {
			*out = AXVM_MAP_ALLOC;
			return 0;
		}
		if (!strcasecmp(s, "identical") || !strcmp(s, "MapIdentical")) {
			*out = AXVM_MAP_IDENTICAL;
			return 0;
		}
		if (!strcasecmp(s, "reserved") || !strcmp(s, "MapReserved"))
			return cerr(c, path, "%s not supported", shown(v));
	}
	if (get_num(c, path, v, false, &n))
		return bad(c, path, "map_type", v);
	if (n == AXVM_MAP_ALLOC || n == AXVM_MAP_IDENTICAL) {
		*out = (uint32_t)n;
		return 0;
	}
	if (n == 2)
		return cerr(c, path, "%s (reserved) not supported", shown(v));
	return bad(c, path, "map_type", v);
}

static int region_flags(struct cctx *c, const char *path, json_object *v,
			uint32_t *out)
{
	uint64_t n;

	if (json_object_is_type(v, json_type_string)) {
		if (parse_mem_flags(json_object_get_string(v), out))
			return bad(c, path, "flags", v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_int) || get_num(c, path, v, false, &n) ||
	    n & ~(uint64_t)(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC |
			    AXVM_MEM_USER))
		return bad(c, path, "flags", v);
	*out = (uint32_t)n;
	return 0;
}

static int one_region(struct cctx *c, struct elem *e,
		      struct axvm_memory_region *r)
{
	char path[160];
	json_object *v;
	unsigned int i;
	uint64_t n;

	if (elem_check(c, e, 2))
		return -1;
	memset(r, 0, sizeof(*r));
	r->flags = AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC;
	r->map_type = AXVM_MAP_ALLOC;

	v = elem_get(e, "gpa", path, sizeof(path));
	if (!v)
		return cerr(c, path, "missing");
	if (get_num(c, path, v, false, &n))
		return -1;
	r->gpa = n;
	if (r->gpa & (PAGE_SIZE_4K - 1))
		return cerr(c, path, "not 4 KiB aligned: %s", shown(v));

	v = elem_get(e, "size", path, sizeof(path));
	if (!v)
		return cerr(c, path, "missing");
	if (get_num(c, path, v, true, &n))
		return -1;
	r->size = n;
	if (!r->size || r->size & (PAGE_SIZE_4K - 1))
		return cerr(c, path, "not a positive multiple of 4 KiB: %s",
			    shown(v));
	if (r->gpa + r->size < r->gpa)
		return cerr(c, path, "gpa + size overflows");

	v = elem_get(e, "flags", path, sizeof(path));
	if (v && region_flags(c, path, v, &r->flags))
		return -1;
	v = elem_get(e, "map_type", path, sizeof(path));
	if (v && region_map_type(c, path, v, &r->map_type))
		return -1;

	for (i = 0; i < c->cfg->nr_regions; i++) {
		const struct axvm_memory_region *o = &c->cfg->regions[i];

		if (r->gpa < o->gpa + o->size && o->gpa < r->gpa + r->size)
			return cerr(c, e->path, "overlaps kernel.memory_regions[%u]",
				    i);
	}
	return 0;
}

static int kernel_memory_regions(struct cctx *c, const char *path,
				 json_object *v)
{
	struct elem e = { .names = region_names,
			  .nr_names = ARRAY_SIZE(region_names) };
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return cerr(c, path, "expected an array, got %s", shown(v));
	n = json_object_array_length(v);
	if (n > CFG_MAX_REGIONS)
		return cerr(c, path, "more than %d regions", CFG_MAX_REGIONS);
	c->cfg->nr_regions = 0;
	for (i = 0; i < n; i++) {
		e.obj = json_object_array_get_idx(v, i);
		snprintf(e.path, sizeof(e.path), "%s[%zu]", path, i);
		if (one_region(c, &e, &c->cfg->regions[i]))
			return -1;
		c->cfg->nr_regions++;
	}
	return 0;
}

static const struct key kernel_keys[] = {
	{ "entry_point", kernel_entry_point },
	{ "ap_entry", kernel_ap_entry },
	{ "image_location", kernel_image_location },
	{ "kernel_path", kernel_path },
	{ "kernel_load_addr", kernel_load_addr },
	{ "bios_path", NULL },
	{ "bios_load_addr", NULL },
	{ "dtb_path", NULL },
	{ "dtb_load_addr", NULL },
	{ "ramdisk_path", kernel_ramdisk_path },
	{ "ramdisk_load_addr", kernel_ramdisk_load_addr },
	{ "cmdline", kernel_cmdline },
	{ "memory_regions", kernel_memory_regions },
	{ "mode", kernel_mode },
};

/* ---- devices ------------------------------------------------------------ */

struct emu_type {
	const char *name;
	uint32_t type;
	uint32_t space;
	uint64_t length;
};

static const struct emu_type emu_types[] = {
#define AXVM_DEVICE_TYPE(id, ident, name, space, len) \
	{ name, AXVM_DEV_##id, space, len },
#include <axvm/device_types.h>
#undef AXVM_DEVICE_TYPE
};

/* "a, b or c": the emu_type names, for an error message. */
static const char *emu_type_names(void)
{
	static char buf[256];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_types) && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s",
			      !i ? "" : i + 1 < ARRAY_SIZE(emu_types) ?
			      ", " : " or ", emu_types[i].name);
	return buf;
}

static const char *const dev_names[] = {
	"name", "base_gpa", "length", "irq_id", "emu_type", "cfg_list"
};

static int one_device(struct cctx *c, struct elem *e, struct axvm_device *d)
{
	const struct emu_type *t = NULL;
	const char *s = NULL;
	char path[160];
	json_object *v;
	unsigned int i;
	uint64_t n;

	if (elem_check(c, e, 5))
		return -1;
	memset(d, 0, sizeof(*d));

	v = elem_get(e, "emu_type", path, sizeof(path));
	if (!v)
		return cerr(c, path, "missing");
	if (get_str(c, path, v, &s))
		return bad(c, path, "emu_type", v);
	for (i = 0; i < ARRAY_SIZE(emu_types); i++)
		if (!strcmp(s, emu_types[i].name))
			t = &emu_types[i];
	if (!t)
		return cerr(c, path, "bad emu_type %s (%s)", shown(v),
			    emu_type_names());
	d->type = t->type;
	d->space = t->space;
	d->length = t->length;
	d->irq = AXVM_IRQ_NONE;
	snprintf(d->name, sizeof(d->name), "%s", t->name);

	v = elem_get(e, "name", path, sizeof(path));
	if (v) {
		if (get_str(c, path, v, &s))
			return -1;
		if (strlen(s) >= sizeof(d->name))
			return cerr(c, path, "longer than %zu bytes",
				    sizeof(d->name) - 1);
		if (*s)
			strcpy(d->name, s);
	}

	v = elem_get(e, "base_gpa", path, sizeof(path));
	if (!v)
		return cerr(c, path, "missing");
	if (get_num(c, path, v, false, &n))
		return -1;
	d->base = n;

	v = elem_get(e, "length", path, sizeof(path));
	if (v) {
		uint64_t len;

		if (get_num(c, path, v, true, &len))
			return -1;
		if (len != t->length)
			return cerr(c, path, "must be %llu for %s, not %s",
				    (unsigned long long)t->length, t->name,
				    shown(v));
	}
	if (d->space == AXVM_SPACE_PIO && d->base + d->length > PORT_SPACE_END) {
		elem_get(e, "base_gpa", path, sizeof(path));
		return cerr(c, path, "port range 0x%llx+%llu beyond 0xffff",
			    (unsigned long long)d->base,
			    (unsigned long long)d->length);
	}

	v = elem_get(e, "irq_id", path, sizeof(path));
	if (v && get_u32(c, path, v, &d->irq))
		return -1;
	if (v && d->irq == AXVM_IRQ_NONE)
		return cerr(c, path, "out of range: %s", shown(v));

	v = elem_get(e, "cfg_list", path, sizeof(path));
	if (v && !asks_nothing(v))
		return cerr(c, path, "not supported");

	for (i = 0; i < c->cfg->nr_devices; i++) {
		const struct axvm_device *o = &c->cfg->devices[i];

		if (o->space == d->space && d->base < o->base + o->length &&
		    o->base < d->base + d->length)
			return cerr(c, e->path, "overlaps devices.emu_devices[%u]",
				    i);
	}
	return 0;
}

static int devices_emu(struct cctx *c, const char *path, json_object *v)
{
	struct elem e = { .names = dev_names, .nr_names = ARRAY_SIZE(dev_names) };
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return cerr(c, path, "expected an array, got %s", shown(v));
	n = json_object_array_length(v);
	if (n > CFG_MAX_DEVICES)
		return cerr(c, path, "more than %d devices", CFG_MAX_DEVICES);
	c->cfg->nr_devices = 0;
	c->cfg->has_devices = true;
	for (i = 0; i < n; i++) {
		e.obj = json_object_array_get_idx(v, i);
		snprintf(e.path, sizeof(e.path), "%s[%zu]", path, i);
		if (one_device(c, &e, &c->cfg->devices[i]))
			return -1;
		c->cfg->nr_devices++;
	}
	return 0;
}

static int devices_interrupt_mode(struct cctx *c, const char *path,
				  json_object *v)
{
	const char *s = NULL;

	if (get_str(c, path, v, &s))
		return -1;
	if (!strcmp(s, "emu"))
		return 0;
	if (!strcmp(s, "no_irq")) {
		c->no_irq = true;
		return 0;
	}
	if (!strcmp(s, "passthrough"))
		return cerr(c, path, "\"passthrough\" not supported");
	return bad(c, path, "interrupt_mode", v);
}

static const struct key device_keys[] = {
	{ "emu_devices", devices_emu },
	{ "passthrough_devices", NULL },
	{ "interrupt_mode", devices_interrupt_mode },
};

/* ---- the file ----------------------------------------------------------- */

static int section_base(struct cctx *c, const char *path, json_object *v)
{
	return walk(c, path, v, base_keys, ARRAY_SIZE(base_keys));
}

static int section_kernel(struct cctx *c, const char *path, json_object *v)
{
	return walk(c, path, v, kernel_keys, ARRAY_SIZE(kernel_keys));
}

static int section_devices(struct cctx *c, const char *path, json_object *v)
{
	return walk(c, path, v, device_keys, ARRAY_SIZE(device_keys));
}

static const struct key top_keys[] = {
	{ "base", section_base },
	{ "kernel", section_kernel },
	{ "devices", section_devices },
};

void config_init(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->platform = -1;
	cfg->mode = -1;
}

static void dir_of(const char *file, char *dir, size_t len)
{
	const char *slash = strrchr(file, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == file)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - file), file);
}

static unsigned int line_of(const char *text, size_t off)
{
	unsigned int line = 1;
	size_t i;

	for (i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

int config_parse(const char *file, const char *text, struct vm_config *cfg,
		 char *err, size_t errlen)
{
	struct cctx c = { .file = file, .cfg = cfg, .err = err,
			  .errlen = errlen };
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	json_object *root;
	size_t len = strlen(text);
	unsigned int i;
	int ret = -1;

	snprintf(cfg->file, sizeof(cfg->file), "%s", file);
	dir_of(file, c.dir, sizeof(c.dir));
	tok = json_tokener_new();
	if (!tok)
		return cerr(&c, NULL, "%s", strerror(ENOMEM));
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			cerr(&c, NULL, "line %u: JSON ends too early",
			     line_of(text, len));
		else
			cerr(&c, NULL, "line %u: JSON syntax error: %s",
			     line_of(text, json_tokener_get_parse_end(tok)),
			     json_tokener_error_desc(jerr));
		goto out_tok;
	}
	if (text[json_tokener_get_parse_end(tok) + strspn(text +
		json_tokener_get_parse_end(tok), " \t\r\n")]) {
		cerr(&c, NULL, "line %u: text after the JSON object",
		     line_of(text, json_tokener_get_parse_end(tok)));
		goto out_root;
	}
	if (walk(&c, "", root, top_keys, ARRAY_SIZE(top_keys)))
		goto out_root;

	if (c.has_cpu_num && cfg->nr_pcpu_sets &&
	    cfg->cpu_num != cfg->nr_pcpu_sets) {
		cerr(&c, "base.cpu_num", "%u does not match the %u masks of base.phys_cpu_sets",
		     cfg->cpu_num, cfg->nr_pcpu_sets);
		goto out_root;
	}
	if (!c.has_cpu_num && cfg->nr_pcpu_sets)
		cfg->cpu_num = cfg->nr_pcpu_sets;
	if (c.no_irq)
		for (i = 0; i < cfg->nr_devices; i++)
			cfg->devices[i].irq = AXVM_IRQ_NONE;
	ret = 0;
out_root:
	json_object_put(root);
out_tok:
	json_tokener_free(tok);
	return ret;
}

int config_load(const char *file, struct vm_config *cfg, char *err,
		size_t errlen)
{
	struct stat st;
	char *text;
	ssize_t n = 0;
	size_t got = 0;
	int fd, ret;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_BYTES) {
		snprintf(err, errlen, "%s: %s", file, S_ISREG(st.st_mode) ?
			 "larger than 1 MiB" : "not a regular file");
		close(fd);
		return -1;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		snprintf(err, errlen, "%s: %s", file, strerror(ENOMEM));
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, text + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		ret = -1;
	} else {
		text[got] = '\0';
		if (strlen(text) != got) {
			snprintf(err, errlen, "%s: a NUL byte in the file", file);
			ret = -1;
		} else {
			ret = config_parse(file, text, cfg, err, errlen);
		}
	}
	free(text);
	close(fd);
	return ret;
}
