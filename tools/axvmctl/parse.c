// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: numbers, sizes, flags and the words for states, reasons,
 * modes and platforms. Pure functions: test_config.c checks them on the
 * build machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "axvmctl.h"

/*
 * Digits in base 10 or 16 (after "0x"), '_' allowed between two digits
 * as in axvisor's TOML ("0x8020_0000"). Stops at the first other
 * character; *end points there.
 */
static int parse_digits(const char *s, uint64_t *out, const char **end)
{
	unsigned int base = 10, d;
	uint64_t v = 0;
	const char *p = s;
	bool any = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		char c = *p;

		if (c == '_' && any && p[1] && p[1] != '_') {
			continue;
		} else if (c >= '0' && c <= '9') {
			d = c - '0';
		} else if (base == 16 && c >= 'a' && c <= 'f') {
			d = c - 'a' + 10;
		} else if (base == 16 && c >= 'A' && c <= 'F') {
			d = c - 'A' + 10;
		} else {
			break;
		}
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
		any = true;
	}
	if (!any || p[-1] == '_')
		return -EINVAL;
	*out = v;
	*end = p;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	int ret;

	if (!s)
		return -EINVAL;
	ret = parse_digits(s, out, &end);
	if (ret)
		return ret;
	return *end ? -EINVAL : 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *end, *u;
	unsigned int shift = 0;
	uint64_t v;
	int ret;

	if (!s)
		return -EINVAL;
	ret = parse_digits(s, &v, &end);
	if (ret)
		return ret;
	if (*end) {
		u = strchr(units, end[0] >= 'a' ? end[0] - 'a' + 'A' : end[0]);
		if (!u || !*u)
			return -EINVAL;
		shift = 10 * (unsigned int)(u - units + 1);
		end++;
		if (strcmp(end, "") && strcmp(end, "B") && strcmp(end, "iB"))
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int parse_mem_flags(const char *s, uint32_t *out)
{
	uint32_t f = 0, bit;
	uint64_t v;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '9') {
		if (parse_u64(s, &v) || v & ~(uint64_t)(AXVM_MEM_READ |
			AXVM_MEM_WRITE | AXVM_MEM_EXEC | AXVM_MEM_USER))
			return -EINVAL;
		*out = (uint32_t)v;
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'r': case 'R': bit = AXVM_MEM_READ; break;
		case 'w': case 'W': bit = AXVM_MEM_WRITE; break;
		case 'x': case 'X': bit = AXVM_MEM_EXEC; break;
		case 'u': case 'U': bit = AXVM_MEM_USER; break;
		default: return -EINVAL;
		}
		if (f & bit)
			return -EINVAL;
		f |= bit;
	}
	*out = f;
	return 0;
}

int parse_seconds(const char *s, uint64_t *ms)
{
	const char *end;
	uint64_t whole, frac = 0, scale = 100;
	int ret;

	if (!s || !*s || *s == '.')
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return -EINVAL;
	ret = parse_digits(s, &whole, &end);
	if (ret)
		return ret;
	if (*end == '.') {
		for (end++; *end >= '0' && *end <= '9'; end++) {
			frac += (uint64_t)(*end - '0') * scale;
			scale /= 10;
		}
	}
	if (*end)
		return -EINVAL;
	if (whole > UINT64_MAX / 1000 - 1)
		return -ERANGE;
	*ms = whole * 1000 + frac;
	return 0;
}

void format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		unsigned int shift = 10 * (i + 1);

		if (v && !(v & ((1ULL << shift) - 1))) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(v >> shift), units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

static const char *const mode_names[] = {
	[AXVM_MODE_REAL] = "real",
	[AXVM_MODE_PROTECTED] = "protected",
	[AXVM_MODE_LONG] = "long",
};

static const char *const platform_names[] = {
	[PLATFORM_NONE] = "none",
	[PLATFORM_PC] = "pc",
};

const struct word_set mode_words = {
	.what = "mode", .names = mode_names, .n = ARRAY_SIZE(mode_names),
	.choices = "real, protected or long",
};

const struct word_set platform_words = {
	.what = "platform", .names = platform_names,
	.n = ARRAY_SIZE(platform_names), .choices = "pc or none",
};

int word_index(const struct word_set *w, const char *s)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (!strcmp(s, w->names[i]))
			return (int)i;
	return -1;
}

#define NAME_OF(table, v) \
	((v) < ARRAY_SIZE(table) && (table)[v] ? (table)[v] : "unknown")

const char *mode_name(unsigned int mode)
{
	return NAME_OF(mode_names, mode);
}

const char *platform_name(uint32_t vm_flags)
{
	return vm_flags & AXVM_VM_PLATFORM_PC ? platform_names[PLATFORM_PC] :
						platform_names[PLATFORM_NONE];
}

const char *state_name(unsigned int state)
{
	static const char *const names[] = {
#define AXVM_VM_STATE(id, name) [AXVM_VM_##id] = name,
#include <axvm/vm_states.h>
#undef AXVM_VM_STATE
	};

	return NAME_OF(names, state);
}

const char *stop_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[AXVM_STOP_NONE] = "none",
		[AXVM_STOP_REQUESTED] = "requested",
		[AXVM_STOP_DEBUG_EXIT] = "debug-exit",
		[AXVM_STOP_SHUTDOWN] = "shutdown",
		[AXVM_STOP_FAIL_ENTRY] = "fail-entry",
		[AXVM_STOP_INTERNAL_ERROR] = "internal-error",
		[AXVM_STOP_POWEROFF] = "poweroff",
		[AXVM_STOP_RESET] = "reset",
	};

	return NAME_OF(names, reason);
}

const char *exit_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[AXVM_EXIT_NONE] = "none",
		[AXVM_EXIT_HYPERCALL] = "hypercall",
		[AXVM_EXIT_MMIO] = "mmio",
		[AXVM_EXIT_IO] = "io",
		[AXVM_EXIT_SHUTDOWN] = "shutdown",
		[AXVM_EXIT_SYSTEM_DOWN] = "system-down",
		[AXVM_EXIT_FAIL_ENTRY] = "fail-entry",
		[AXVM_EXIT_INTERNAL_ERROR] = "internal-error",
		[AXVM_EXIT_NPF] = "nested-page-fault",
		[AXVM_EXIT_INTR] = "interrupted",
		[AXVM_EXIT_HALT] = "halt",
		[AXVM_EXIT_STOPPED] = "stopped",
		[AXVM_EXIT_RESET] = "reset",
	};

	return NAME_OF(names, reason);
}

/* The AXVM_CAP_* names: the C name without its prefix, lower case. */
const struct cap_desc axvm_caps[] = {
	{ AXVM_CAP_VMM_MODE, "vmm_mode", false },
	{ AXVM_CAP_MANAGED_MODE, "managed_mode", false },
	{ AXVM_CAP_MAX_VCPUS, "max_vcpus", true },
	{ AXVM_CAP_MAX_VMS, "max_vms", true },
	{ AXVM_CAP_MAP_IDENTICAL, "map_identical", false },
	{ AXVM_CAP_HW_VIRT, "hw_virt", false },
#define AXVM_DEVICE_TYPE(id, ident, name, space, len) \
	{ AXVM_CAP_DEV_##id, "dev_" #ident, false },
#include <axvm/device_types.h>
#undef AXVM_DEVICE_TYPE
	{ AXVM_CAP_IMAGE_ELF, "image_elf", false },
	{ AXVM_CAP_IMAGE_MULTIBOOT, "image_multiboot", false },
	{ AXVM_CAP_CONSOLE, "console", false },
	{ AXVM_CAP_QUERY_VM, "query_vm", false },
	{ AXVM_CAP_MULTIBOOT_MODULES, "multiboot_modules", false },
	{ AXVM_CAP_PLATFORM_PC, "platform_pc", false },
	{ AXVM_CAP_SET_GSI, "set_gsi", false },
	{ AXVM_CAP_SIGNAL_MSI, "signal_msi", false },
	{ AXVM_CAP_AP_ENTRY, "ap_entry", false },
	{ AXVM_CAP_RESET, "reset", false },
	{ AXVM_CAP_IMAGE_BZIMAGE, "image_bzimage", false },
};
const size_t axvm_nr_caps = ARRAY_SIZE(axvm_caps);

/* Every capability the header defines has a name here. */
_Static_assert(ARRAY_SIZE(axvm_caps) == AXVM_CAP_NR - 1,
	       "axvm_caps[] must list every AXVM_CAP_*");
