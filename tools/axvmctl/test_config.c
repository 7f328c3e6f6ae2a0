// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of axvmctl's parsing, run on the build machine (no module):
 * numbers, sizes, flags, seconds, names, the capability table, libaxvm's
 * Multiboot probe, and the config file: every key form and every error
 * message (file and key named).
 * Prints TAP; `make -C tools/axvmctl test` runs it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "axvmctl.h"

static int tap_n, tap_failed;

static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/* ---- numbers ------------------------------------------------------------ */

struct num_case {
	const char *s;
	int ret;
	uint64_t v;
};

static void test_u64(void)
{
	static const struct num_case t[] = {
		{ "0", 0, 0 }, { "4096", 0, 4096 }, { "0x1000", 0, 0x1000 },
		{ "0X1f", 0, 0x1f }, { "0x8020_0000", 0, 0x80200000 },
		{ "1_000", 0, 1000 }, { "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "0x10000000000000000", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "0x", -EINVAL, 0 }, { "12a", -EINVAL, 0 },
		{ "_1", -EINVAL, 0 }, { "1_", -EINVAL, 0 }, { "1__0", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "1 ", -EINVAL, 0 },
		{ "64M", -EINVAL, 0 },
	};
	uint64_t v;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		v = 0;
		r = parse_u64(t[i].s, &v);
		ok(r == t[i].ret && (r || v == t[i].v),
		   "parse_u64(\"%s\") = %d, %llu", t[i].s, r,
		   (unsigned long long)v);
	}
}

static void test_size(void)
{
	static const struct num_case t[] = {
		{ "64M", 0, 64ULL << 20 }, { "4k", 0, 4096 }, { "4K", 0, 4096 },
		{ "1G", 0, 1ULL << 30 }, { "2T", 0, 2ULL << 40 },
		{ "64MiB", 0, 64ULL << 20 }, { "64MB", 0, 64ULL << 20 },
		{ "0x1000", 0, 0x1000 }, { "4096", 0, 4096 }, { "0", 0, 0 },
		{ "64Q", -EINVAL, 0 }, { "M", -EINVAL, 0 }, { "64MM", -EINVAL, 0 },
		{ "64 M", -EINVAL, 0 }, { "64Mi", -EINVAL, 0 },
		{ "17179869184G", -ERANGE, 0 },
	};
	uint64_t v;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		v = 0;
		r = parse_size(t[i].s, &v);
		ok(r == t[i].ret && (r || v == t[i].v),
		   "parse_size(\"%s\") = %d, %llu", t[i].s, r,
		   (unsigned long long)v);
	}
}

static void test_flags(void)
{
	static const struct num_case t[] = {
		{ "rwx", 0, 7 }, { "r", 0, 1 }, { "rwxu", 0, 15 }, { "xr", 0, 5 },
		{ "RWX", 0, 7 }, { "7", 0, 7 }, { "15", 0, 15 }, { "0x3", 0, 3 },
		{ "16", -EINVAL, 0 }, { "rr", -EINVAL, 0 }, { "q", -EINVAL, 0 },
		{ "", -EINVAL, 0 }, { "rw-", -EINVAL, 0 },
	};
	uint32_t v;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		v = 0;
		r = parse_mem_flags(t[i].s, &v);
		ok(r == t[i].ret && (r || v == t[i].v),
		   "parse_mem_flags(\"%s\") = %d, %u", t[i].s, r, v);
	}
}

static void test_seconds(void)
{
	static const struct num_case t[] = {
		{ "5", 0, 5000 }, { "0.5", 0, 500 }, { "1.25", 0, 1250 },
		{ "0", 0, 0 }, { "2.", 0, 2000 }, { "x", -EINVAL, 0 },
		{ "", -EINVAL, 0 }, { ".5", -EINVAL, 0 }, { "0x5", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { "5s", -EINVAL, 0 },
	};
	uint64_t v;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		v = 0;
		r = parse_seconds(t[i].s, &v);
		ok(r == t[i].ret && (r || v == t[i].v),
		   "parse_seconds(\"%s\") = %d, %llu ms", t[i].s, r,
		   (unsigned long long)v);
	}
}

static void test_format_and_names(void)
{
	char buf[24];

	format_size(64ULL << 20, buf, sizeof(buf));
	ok(!strcmp(buf, "64M"), "format_size(64M) = %s", buf);
	format_size(4096, buf, sizeof(buf));
	ok(!strcmp(buf, "4K"), "format_size(4096) = %s", buf);
	format_size(1000, buf, sizeof(buf));
	ok(!strcmp(buf, "1000"), "format_size(1000) = %s", buf);
	format_size(3ULL << 30, buf, sizeof(buf));
	ok(!strcmp(buf, "3G"), "format_size(3G) = %s", buf);
	ok(!strcmp(state_name(AXVM_VM_SUSPENDED), "suspended") &&
	   !strcmp(state_name(99), "unknown"), "state names");
	ok(!strcmp(stop_reason_name(AXVM_STOP_DEBUG_EXIT), "debug-exit") &&
	   !strcmp(stop_reason_name(AXVM_STOP_INTERNAL_ERROR), "internal-error") &&
	   !strcmp(stop_reason_name(AXVM_STOP_POWEROFF), "poweroff") &&
	   !strcmp(stop_reason_name(AXVM_STOP_RESET), "reset") &&
	   !strcmp(stop_reason_name(AXVM_STOP_RESET + 1), "unknown"),
	   "stop reason names");
	ok(!strcmp(exit_reason_name(AXVM_EXIT_STOPPED), "stopped") &&
	   !strcmp(exit_reason_name(AXVM_EXIT_RESET), "reset") &&
	   !strcmp(exit_reason_name(AXVM_EXIT_RESET + 1), "unknown"),
	   "exit reason names");
	ok(word_index(&mode_words, "protected") == AXVM_MODE_PROTECTED &&
	   word_index(&mode_words, "Long") < 0, "mode names");
	ok(word_index(&platform_words, "pc") == PLATFORM_PC &&
	   word_index(&platform_words, "none") == PLATFORM_NONE &&
	   word_index(&platform_words, "PC") < 0 &&
	   word_index(&platform_words, "") < 0, "platform names");
	ok(!strcmp(platform_name(AXVM_VM_PLATFORM_PC | AXVM_VM_MANAGED),
		   "pc") && !strcmp(platform_name(AXVM_VM_MANAGED), "none"),
	   "platform of a VM's flags");
}

/* Every AXVM_CAP_* once, named as its C name without the prefix. */
static void test_caps(void)
{
	static const struct { unsigned int cap; const char *name; } t[] = {
		{ AXVM_CAP_PLATFORM_PC, "platform_pc" },
		{ AXVM_CAP_SET_GSI, "set_gsi" },
		{ AXVM_CAP_SIGNAL_MSI, "signal_msi" },
		{ AXVM_CAP_AP_ENTRY, "ap_entry" },
		{ AXVM_CAP_RESET, "reset" },
		{ AXVM_CAP_IMAGE_BZIMAGE, "image_bzimage" },
	};
	unsigned int seen[AXVM_CAP_NR] = { 0 };
	bool once = true;
	size_t i, j;

	for (i = 0; i < axvm_nr_caps; i++)
		if (axvm_caps[i].cap < AXVM_CAP_NR)
			seen[axvm_caps[i].cap]++;
	for (i = 1; i < AXVM_CAP_NR; i++)
		once &= seen[i] == 1;
	ok(once, "axvm_caps[] names each of the %d capabilities once",
	   AXVM_CAP_NR - 1);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		for (j = 0; j < axvm_nr_caps; j++)
			if (axvm_caps[j].cap == t[i].cap)
				break;
		ok(j < axvm_nr_caps && !strcmp(axvm_caps[j].name, t[i].name),
		   "capability %u is %s", t[i].cap, t[i].name);
	}
}

static void test_multiboot(void)
{
	uint32_t buf[2048 + 8] = { 0 };

	buf[0] = 0x464c457f;	/* \x7fELF */
	ok(axvm_image_is_elf(buf, sizeof(buf)) &&
	   !axvm_image_is_multiboot(buf, sizeof(buf)),
	   "ELF without a Multiboot header");
	buf[100] = 0x1BADB002;
	buf[101] = 0x3;
	buf[102] = -(0x1BADB002u + 0x3);
	ok(axvm_image_is_multiboot(buf, sizeof(buf)), "Multiboot header at 400");
	buf[102]++;
	ok(!axvm_image_is_multiboot(buf, sizeof(buf)), "bad checksum refused");
	buf[102]--;
	memmove((char *)buf + 402, &buf[100], 12);
	buf[100] = 0;
	ok(!axvm_image_is_multiboot(buf, sizeof(buf)), "unaligned header refused");
	memset(buf, 0, sizeof(buf));
	buf[2048] = 0x1BADB002;
	buf[2050] = -0x1BADB002u;
	ok(!axvm_image_is_multiboot(buf, sizeof(buf)), "header past 8 KiB ignored");
	ok(!axvm_image_is_elf("\x7f" "EL", 3), "3 bytes are not an ELF");
}

/* ---- config files ------------------------------------------------------- */

static char dir[64];
static char err[512];

static int parse(const char *text, struct vm_config *cfg)
{
	char file[128];

	snprintf(file, sizeof(file), "%s/t.json", dir);
	config_init(cfg);
	err[0] = '\0';
	return config_parse(file, text, cfg, err, sizeof(err));
}

static const char example[] =
"{ \"base\":    { \"id\": 0, \"name\": \"hello\", \"vm_type\": 1, \"cpu_num\": 1,\n"
"               \"phys_cpu_sets\": [1] },\n"
"  \"kernel\":  { \"entry_point\": \"0x100000\", \"kernel_path\": \"hello.bin\",\n"
"               \"kernel_load_addr\": \"0x100000\", \"mode\": \"long\",\n"
"               \"memory_regions\": [ { \"gpa\": \"0x0\", \"size\": \"64M\",\n"
"                                     \"flags\": \"rwx\", \"map_type\": \"alloc\" } ] },\n"
"  \"devices\": { \"emu_devices\": [ { \"name\": \"com1\", \"emu_type\": \"uart16550\",\n"
"                                  \"base_gpa\": \"0x3f8\", \"length\": 8, \"irq_id\": 4 },\n"
"                                { \"name\": \"exit\", \"emu_type\": \"debug-exit\",\n"
"                                  \"base_gpa\": \"0xf4\", \"length\": 4 } ] } }\n";

static void test_example(void)
{
	struct vm_config cfg;
	struct vm_opts o = { 0 };
	char want[128];
	int r = parse(example, &cfg);

	ok(!r, "DESIGN.md's example parses (%s)", err);
	snprintf(want, sizeof(want), "%s/hello.bin", dir);
	ok(!strcmp(cfg.image, want), "kernel_path relative to the config: %s",
	   cfg.image);
	ok(!strcmp(cfg.name, "hello") && cfg.id == 0 && cfg.cpu_num == 1 &&
	   cfg.nr_pcpu_sets == 1 && cfg.pcpu_sets[0] == 1, "base section");
	ok(cfg.has_entry && cfg.entry == 0x100000 && cfg.has_load_addr &&
	   cfg.load_addr == 0x100000 && cfg.mode == AXVM_MODE_LONG &&
	   cfg.image_kind == IMAGE_AUTO, "kernel section");
	ok(cfg.nr_regions == 1 && cfg.regions[0].gpa == 0 &&
	   cfg.regions[0].size == 64ULL << 20 && cfg.regions[0].flags == 7 &&
	   cfg.regions[0].map_type == AXVM_MAP_ALLOC, "memory region");
	ok(cfg.has_devices && cfg.nr_devices == 2 &&
	   cfg.devices[0].type == AXVM_DEV_UART16550 &&
	   cfg.devices[0].space == AXVM_SPACE_PIO &&
	   cfg.devices[0].base == 0x3f8 && cfg.devices[0].length == 8 &&
	   cfg.devices[0].irq == 4 && !strcmp(cfg.devices[0].name, "com1") &&
	   cfg.devices[1].type == AXVM_DEV_DEBUG_EXIT &&
	   cfg.devices[1].base == 0xf4 && cfg.devices[1].length == 4 &&
	   cfg.devices[1].irq == AXVM_IRQ_NONE, "devices");

	o.has_memory = true;
	o.memory = 128ULL << 20;
	o.has_cpus = true;
	o.cpus = 2;
	o.name = "other";
	o.has_mode = true;
	o.mode = AXVM_MODE_PROTECTED;
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.regions[0].size == 128ULL << 20 && cfg.cpu_num == 2 &&
	   cfg.nr_pcpu_sets == 0 && !strcmp(cfg.name, "other") &&
	   cfg.mode == AXVM_MODE_PROTECTED && cfg.nr_devices == 2,
	   "command-line flags override the config (%s)", err);
}

static void test_forms(void)
{
	struct vm_config cfg;
	int r;

	r = parse("{\"kernel\": {\"memory_regions\": [[0, \"64M\", 7, 0],"
		  " [\"0x10000000\", 4096, \"rw\", 1]]},"
		  " \"devices\": {\"emu_devices\": [[\"com1\", \"0x3f8\", 8, 4,"
		  " \"uart16550\", []]], \"passthrough_devices\": [],"
		  " \"interrupt_mode\": \"emu\"}}", &cfg);
	ok(!r && cfg.nr_regions == 2 && cfg.regions[1].gpa == 0x10000000 &&
	   cfg.regions[1].flags == 3 && cfg.regions[1].map_type == 1 &&
	   cfg.nr_devices == 1 && cfg.devices[0].irq == 4,
	   "axvisor's tuple forms (%s)", err);

	r = parse("{\"base\": {\"cpu_num\": \"2\", \"phys_cpu_sets\": [1, \"0x2\"],"
		  " \"phys_cpu_ids\": [], \"vm_type\": \"2\"},"
		  " \"kernel\": {\"image_location\": \"fs\", \"dtb_path\": \"\","
		  " \"cmdline\": \"\", \"bios_load_addr\": null}}", &cfg);
	ok(!r && cfg.cpu_num == 2 && cfg.pcpu_sets[1] == 2,
	   "numbers as strings; unsupported keys asking nothing (%s)", err);

	r = parse("{\"devices\": {\"emu_devices\": [[\"exit\", \"0xf4\", 4, null,"
		  " \"debug-exit\"]]}}", &cfg);
	ok(!r && cfg.nr_devices == 1 && cfg.devices[0].irq == AXVM_IRQ_NONE,
	   "a null irq_id in a tuple means no IRQ (%s)", err);

	r = parse("{\"base\": {\"phys_cpu_sets\": [1, 2, 4]}}", &cfg);
	ok(!r && cfg.cpu_num == 3, "cpu_num from phys_cpu_sets");

	r = parse("{\"devices\": {\"interrupt_mode\": \"no_irq\", \"emu_devices\":"
		  " [{\"emu_type\": \"uart16550\", \"base_gpa\": 1016, \"irq_id\": 4}]}}",
		  &cfg);
	ok(!r && cfg.devices[0].irq == AXVM_IRQ_NONE &&
	   !strcmp(cfg.devices[0].name, "uart16550") && cfg.devices[0].length == 8,
	   "no_irq, default name and length (%s)", err);

	r = parse("{\"devices\": {\"emu_devices\": []}}", &cfg);
	ok(!r && cfg.has_devices && !cfg.nr_devices, "an empty device list is kept");

	r = parse("{}", &cfg);
	ok(!r && cfg.mode == -1 && !cfg.nr_regions, "an empty config");
	{
		struct vm_opts o = { .kernel = "k.elf" };

		r = config_finish(&cfg, &o, err, sizeof(err));
		ok(!r && !cfg.nr_devices && cfg.nr_regions == 1 &&
		   cfg.image_kind == IMAGE_ELF,
		   "a config without devices gets none (%s)", err);
	}
}

struct err_case {
	const char *json;
	const char *want;	/* after "DIR/t.json: " */
};

static void test_errors(void)
{
	static const struct err_case t[] = {
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": \"64Q\"}]}}",
		  "kernel.memory_regions[0].size: bad size \"64Q\"" },
		{ "{\"foo\": 1}", "foo: unknown key" },
		{ "{\"base\": {\"foo\": 1}}", "base.foo: unknown key" },
		{ "{\"kernel\": {\"dtb_path\": \"x.dtb\"}}", "kernel.dtb_path: not supported" },
		{ "{\"kernel\": {\"bios_path\": \"b.bin\"}}", "kernel.bios_path: not supported" },
		{ "{\"kernel\": {\"ramdisk_path\": \"r\"}}",
		  "kernel.ramdisk_path: DIR/r: No such file or directory" },
		{ "{\"kernel\": {\"ramdisk_path\": 5}}",
		  "kernel.ramdisk_path: expected a string, got 5" },
		{ "{\"kernel\": {\"ramdisk_load_addr\": \"0x1001\"}}",
		  "kernel.ramdisk_load_addr: not 4 KiB aligned: \"0x1001\"" },
		{ "{\"kernel\": {\"ramdisk_load_addr\": \"high\"}}",
		  "kernel.ramdisk_load_addr: bad number \"high\"" },
		{ "{\"kernel\": {\"cmdline\": [\"quiet\"]}}",
		  "kernel.cmdline: expected a string, got [\"quiet\"]" },
		{ "{\"kernel\": {\"cmdline\": 1}}", "kernel.cmdline: expected a string, got 1" },
		{ "{\"kernel\": {\"dtb_load_addr\": 4096}}", "kernel.dtb_load_addr: not supported" },
		{ "{\"base\": {\"phys_cpu_ids\": [0]}}", "base.phys_cpu_ids: not supported" },
		{ "{\"devices\": {\"passthrough_devices\": [[\"x\", 0, 0, 4096, 1]]}}",
		  "devices.passthrough_devices: not supported" },
		{ "{\"devices\": {\"interrupt_mode\": \"passthrough\"}}",
		  "devices.interrupt_mode: \"passthrough\" not supported" },
		{ "{\"devices\": {\"interrupt_mode\": \"msi\"}}",
		  "devices.interrupt_mode: bad interrupt_mode \"msi\"" },
		{ "{\"kernel\": {\"image_location\": \"memory\"}}",
		  "kernel.image_location: \"memory\" not supported" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 4096, \"map_type\": \"reserved\"}]}}",
		  "kernel.memory_regions[0].map_type: \"reserved\" not supported" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 4096, \"map_type\": 2}]}}",
		  "kernel.memory_regions[0].map_type: 2 (reserved) not supported" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 4096, \"map_type\": \"bogus\"}]}}",
		  "kernel.memory_regions[0].map_type: bad map_type \"bogus\"" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 4096, \"flags\": \"rwz\"}]}}",
		  "kernel.memory_regions[0].flags: bad flags \"rwz\"" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 4096, \"flags\": 16}]}}",
		  "kernel.memory_regions[0].flags: bad flags 16" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 4097, \"size\": 4096}]}}",
		  "kernel.memory_regions[0].gpa: not 4 KiB aligned: 4097" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": \"1000\"}]}}",
		  "kernel.memory_regions[0].size: not a positive multiple of 4 KiB: \"1000\"" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 0}]}}",
		  "kernel.memory_regions[0].size: not a positive multiple of 4 KiB: 0" },
		{ "{\"kernel\": {\"memory_regions\": [{\"size\": 4096}]}}",
		  "kernel.memory_regions[0].gpa: missing" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 8192}, {\"gpa\": 4096, \"size\": 4096}]}}",
		  "kernel.memory_regions[1]: overlaps kernel.memory_regions[0]" },
		{ "{\"kernel\": {\"memory_regions\": [{\"gpa\": 0, \"size\": 4096, \"color\": 1}]}}",
		  "kernel.memory_regions[0].color: unknown key" },
		{ "{\"kernel\": {\"memory_regions\": [[0]]}}",
		  "kernel.memory_regions[0]: expected an object or [gpa, ...] with 2..4 items" },
		{ "{\"kernel\": {\"memory_regions\": {}}}",
		  "kernel.memory_regions: expected an array, got {}" },
		{ "{\"kernel\": {\"mode\": \"virtual\"}}",
		  "kernel.mode: bad mode \"virtual\" (real, protected or long)" },
		{ "{\"base\": {\"platform\": \"vga\"}}",
		  "base.platform: bad platform \"vga\" (pc or none)" },
		{ "{\"base\": {\"platform\": \"PC\"}}",
		  "base.platform: bad platform \"PC\" (pc or none)" },
		{ "{\"base\": {\"platform\": 1}}",
		  "base.platform: expected a string, got 1" },
		{ "{\"base\": {\"platform\": null}}",
		  "base.platform: expected a string, got null" },
		{ "{\"base\": {\"no_reboot\": 1}}",
		  "base.no_reboot: expected true or false, got 1" },
		{ "{\"base\": {\"no_reboot\": \"true\"}}",
		  "base.no_reboot: expected true or false, got \"true\"" },
		{ "{\"base\": {\"no_reboot\": null}}",
		  "base.no_reboot: expected true or false, got null" },
		{ "{\"kernel\": {\"ap_entry\": \"0xZZ\"}}", "kernel.ap_entry: bad number \"0xZZ\"" },
		{ "{\"kernel\": {\"ap_entry\": -1}}", "kernel.ap_entry: bad number -1" },
		{ "{\"kernel\": {\"ap_entry\": [4096]}}", "kernel.ap_entry: bad number [4096]" },
		{ "{\"kernel\": {\"entry_point\": \"0xZZ\"}}", "kernel.entry_point: bad number \"0xZZ\"" },
		{ "{\"kernel\": {\"entry_point\": -1}}", "kernel.entry_point: bad number -1" },
		{ "{\"kernel\": {\"entry_point\": 1.5}}", "kernel.entry_point: bad number 1.5" },
		{ "{\"kernel\": {\"kernel_path\": \"nope.bin\"}}",
		  "kernel.kernel_path: DIR/nope.bin: No such file or directory" },
		{ "{\"kernel\": {\"kernel_path\": 5}}", "kernel.kernel_path: expected a string, got 5" },
		{ "{\"base\": {\"cpu_num\": 2, \"phys_cpu_sets\": [1]}}",
		  "base.cpu_num: 2 does not match the 1 masks of base.phys_cpu_sets" },
		{ "{\"base\": {\"cpu_num\": 0}}", "base.cpu_num: must be 1..64, not 0" },
		{ "{\"base\": {\"phys_cpu_sets\": 1}}", "base.phys_cpu_sets: expected an array, got 1" },
		{ "{\"base\": {\"phys_cpu_sets\": [1, \"x\"]}}", "base.phys_cpu_sets[1]: bad number \"x\"" },
		{ "{\"base\": {\"id\": \"-1\"}}", "base.id: bad number \"-1\"" },
		{ "{\"base\": {\"id\": 4294967295}}", "base.id: out of range: 4294967295" },
		{ "{\"base\": {\"vm_type\": 5}}", "base.vm_type: bad vm_type 5" },
		{ "{\"base\": {\"name\": \"0123456789012345678901234567890123\"}}",
		  "base.name: longer than 31 bytes" },
		{ "{\"base\": []}", "base: expected an object, got []" },
		{ "[]", "expected an object, got []" },
		{ "{\"devices\": {\"emu_devices\": [{\"emu_type\": \"virtio\", \"base_gpa\": 0}]}}",
		  "devices.emu_devices[0].emu_type: bad emu_type \"virtio\" (uart16550 or debug-exit)" },
		{ "{\"devices\": {\"emu_devices\": [{\"base_gpa\": 0}]}}",
		  "devices.emu_devices[0].emu_type: missing" },
		{ "{\"devices\": {\"emu_devices\": [{\"emu_type\": \"debug-exit\"}]}}",
		  "devices.emu_devices[0].base_gpa: missing" },
		{ "{\"devices\": {\"emu_devices\": [{\"emu_type\": \"uart16550\", \"base_gpa\": \"0x3f8\", \"length\": 16}]}}",
		  "devices.emu_devices[0].length: must be 8 for uart16550, not 16" },
		{ "{\"devices\": {\"emu_devices\": [{\"emu_type\": \"debug-exit\", \"base_gpa\": \"0xfffe\"}]}}",
		  "devices.emu_devices[0].base_gpa: port range 0xfffe+4 beyond 0xffff" },
		{ "{\"devices\": {\"emu_devices\": [{\"emu_type\": \"debug-exit\", \"base_gpa\": 244, \"cfg_list\": [1]}]}}",
		  "devices.emu_devices[0].cfg_list: not supported" },
		{ "{\"devices\": {\"emu_devices\": [{\"emu_type\": \"debug-exit\", \"base_gpa\": 244},"
		  " {\"emu_type\": \"debug-exit\", \"base_gpa\": 246}]}}",
		  "devices.emu_devices[1]: overlaps devices.emu_devices[0]" },
		{ "{\"devices\": {\"emu_devices\": [{\"emu_type\": \"debug-exit\", \"base_gpa\": 244, \"name\": \"a-very-long-name-x\"}]}}",
		  "devices.emu_devices[0].name: longer than 15 bytes" },
		{ "{\"base\": {\n\"id\": 1,,\n}}", "line 2: JSON syntax error: " },
		{ "{\"base\": {}", "line 1: JSON ends too early" },
		{ "{} x", "line 1: text after the JSON object" },
	};
	struct vm_config cfg;
	char want[512], *d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		int r = parse(t[i].json, &cfg);

		snprintf(want, sizeof(want), "%s/t.json: %s", dir, t[i].want);
		d = strstr(want, "DIR/");
		if (d) {
			char tail[256];

			snprintf(tail, sizeof(tail), "%s", d + 3);
			snprintf(d, sizeof(want) - (size_t)(d - want), "%s%s",
				 dir, tail);
		}
		if (!ok(r == -1 && !strncmp(err, want, strlen(want)),
			"error: %s", t[i].want))
			printf("# got: %s\n# want: %s\n", err, want);
	}
}

/* cmdline, ramdisk_path, ramdisk_load_addr; --cmdline and --initrd. */
static void test_multiboot_keys(void)
{
	static char json[AXVM_CMDLINE_MAX + 64];
	struct vm_config cfg;
	struct vm_opts o = { 0 };
	char want[128];
	int r;

	r = parse("{\"kernel\": {\"kernel_path\": \"hello.bin\","
		  " \"cmdline\": \"mbinfo hello\", \"ramdisk_path\": \"hello.bin\","
		  " \"ramdisk_load_addr\": \"0x400000\"}}", &cfg);
	snprintf(want, sizeof(want), "%s/hello.bin", dir);
	ok(!r && !strcmp(cfg.cmdline, "mbinfo hello") && cfg.nr_modules == 1 &&
	   !strcmp(cfg.modules[0], want) && cfg.module_addr == 0x400000,
	   "cmdline, ramdisk_path relative to the config, ramdisk_load_addr (%s)",
	   err);
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && !strcmp(cfg.cmdline, "mbinfo hello") && cfg.nr_modules == 1 &&
	   cfg.module_addr == 0x400000, "without flags the config's stay (%s)",
	   err);

	o.cmdline = "other";
	o.initrds[0] = "a.env";
	o.initrds[1] = "b";
	o.nr_initrds = 2;
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && !strcmp(cfg.cmdline, "other") && cfg.nr_modules == 2 &&
	   !strcmp(cfg.modules[0], "a.env") && !strcmp(cfg.modules[1], "b") &&
	   !cfg.module_addr,
	   "--cmdline and --initrd replace the config's, and its address (%s)",
	   err);
	memset(&o, 0, sizeof(o));
	o.cmdline = "";
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && !cfg.cmdline[0] && cfg.nr_modules == 2, "--cmdline \"\" clears it");

	snprintf(json, sizeof(json), "{\"kernel\": {\"ramdisk_path\": \"%s\"}}",
		 want);
	r = parse(json, &cfg);
	ok(!r && cfg.nr_modules == 1 && !strcmp(cfg.modules[0], want),
	   "an absolute ramdisk_path (%s)", err);

	r = parse("{\"kernel\": {\"cmdline\": null, \"ramdisk_path\": \"\","
		  " \"ramdisk_load_addr\": null}}", &cfg);
	ok(!r && !cfg.cmdline[0] && !cfg.nr_modules && !cfg.module_addr,
	   "values asking nothing are none (%s)", err);

	snprintf(json, sizeof(json), "{\"kernel\": {\"cmdline\": \"%0*d\"}}",
		 AXVM_CMDLINE_MAX - 1, 0);
	r = parse(json, &cfg);
	ok(!r && strlen(cfg.cmdline) == AXVM_CMDLINE_MAX - 1,
	   "a cmdline of %d bytes (%s)", AXVM_CMDLINE_MAX - 1, err);
	snprintf(json, sizeof(json), "{\"kernel\": {\"cmdline\": \"%0*d\"}}",
		 AXVM_CMDLINE_MAX, 0);
	r = parse(json, &cfg);
	ok(r && strstr(err, "t.json: kernel.cmdline: longer than 2047 bytes"),
	   "a cmdline of %d bytes refused: %s", AXVM_CMDLINE_MAX, err);
}

/* base.platform, kernel.ap_entry; --platform and --ap-entry over them. */
static void test_platform_keys(void)
{
	struct vm_config cfg;
	struct vm_opts o = { 0 };
	int r;

	r = parse("{\"kernel\": {\"kernel_path\": \"hello.bin\"}}", &cfg);
	ok(!r && cfg.platform == -1 && !cfg.has_ap_entry,
	   "no platform, no AP entry: unset (%s)", err);
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.platform == -1 && !cfg.has_ap_entry,
	   "the default platform is left to the module (%s)", err);

	r = parse("{\"base\": {\"platform\": \"none\"},"
		  " \"kernel\": {\"kernel_path\": \"hello.bin\","
		  " \"ap_entry\": \"0x10_2000\"}}", &cfg);
	ok(!r && cfg.platform == PLATFORM_NONE && cfg.has_ap_entry &&
	   cfg.ap_entry == 0x102000, "base.platform none, kernel.ap_entry (%s)",
	   err);
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.platform == PLATFORM_NONE && cfg.ap_entry == 0x102000,
	   "without flags the config's stay (%s)", err);
	o.has_platform = true;
	o.platform = PLATFORM_PC;
	o.has_ap_entry = true;
	o.ap_entry = 0x8000;
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.platform == PLATFORM_PC && cfg.has_ap_entry &&
	   cfg.ap_entry == 0x8000,
	   "--platform and --ap-entry override the config (%s)", err);

	r = parse("{\"base\": {\"platform\": \"pc\"},"
		  " \"kernel\": {\"ap_entry\": 4096}}", &cfg);
	ok(!r && cfg.platform == PLATFORM_PC && cfg.ap_entry == 4096,
	   "base.platform pc, ap_entry a JSON integer (%s)", err);
	memset(&o, 0, sizeof(o));
	o.image = "g.bin";
	o.has_platform = true;
	o.platform = PLATFORM_NONE;
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.platform == PLATFORM_NONE && cfg.ap_entry == 4096,
	   "--platform none overrides pc, the AP entry stays (%s)", err);
}

/* base.no_reboot, and --no-reboot over it. */
static void test_no_reboot(void)
{
	struct vm_config cfg;
	struct vm_opts o = { 0 };
	int r;

	r = parse("{\"kernel\": {\"kernel_path\": \"hello.bin\"}}", &cfg);
	ok(!r && !cfg.no_reboot, "no base.no_reboot: a reset reboots (%s)", err);
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && !cfg.no_reboot, "... and without --no-reboot too (%s)", err);
	o.no_reboot = true;
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.no_reboot, "--no-reboot without a config key (%s)", err);

	r = parse("{\"base\": {\"no_reboot\": true},"
		  " \"kernel\": {\"kernel_path\": \"hello.bin\"}}", &cfg);
	ok(!r && cfg.no_reboot, "base.no_reboot true (%s)", err);
	memset(&o, 0, sizeof(o));
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.no_reboot, "base.no_reboot true stays without the flag (%s)",
	   err);

	r = parse("{\"base\": {\"no_reboot\": false},"
		  " \"kernel\": {\"kernel_path\": \"hello.bin\"}}", &cfg);
	ok(!r && !cfg.no_reboot, "base.no_reboot false (%s)", err);
	o.no_reboot = true;
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && cfg.no_reboot, "--no-reboot overrides base.no_reboot false (%s)",
	   err);
}

static void test_finish(void)
{
	struct vm_config cfg;
	struct vm_opts o = { 0 };
	int r;

	config_init(&cfg);
	o.image = "guest.bin@0x2000";
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && !strcmp(cfg.image, "guest.bin") && cfg.has_load_addr &&
	   cfg.load_addr == 0x2000 && cfg.image_kind == IMAGE_RAW &&
	   cfg.cpu_num == 1 && cfg.nr_regions == 1 &&
	   cfg.regions[0].size == 64ULL << 20 && cfg.nr_devices == 2 &&
	   cfg.devices[0].base == 0x3f8 && cfg.devices[0].irq == 4 &&
	   cfg.devices[1].base == 0xf4 && cfg.devices[1].length == 4,
	   "no config: --image FILE@GPA and the defaults (%s)", err);

	config_init(&cfg);
	o.image = "a@b.bin";
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(!r && !strcmp(cfg.image, "a@b.bin") && !cfg.has_load_addr,
	   "an '@' not followed by a number is part of the file name");

	config_init(&cfg);
	o.image = "a.bin@";
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(r && strstr(err, "--image: bad FILE[@GPA]"), "FILE@ refused: %s", err);

	config_init(&cfg);
	memset(&o, 0, sizeof(o));
	o.kernel = "k.elf";
	o.has_memory = true;
	o.memory = 5000;
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(r && strstr(err, "--memory: not a positive multiple of 4 KiB"),
	   "--memory 5000 refused: %s", err);

	config_init(&cfg);
	memset(&o, 0, sizeof(o));
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(r && strstr(err, "no image"), "no image refused: %s", err);

	config_init(&cfg);
	o.name = "0123456789012345678901234567890123";
	o.kernel = "k.elf";
	r = config_finish(&cfg, &o, err, sizeof(err));
	ok(r && strstr(err, "--name: longer than 31 bytes"), "long --name: %s", err);
}

int main(void)
{
	FILE *f;
	char p[128];

	snprintf(dir, sizeof(dir), "/tmp/axvmctl-test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(p, sizeof(p), "%s/hello.bin", dir);
	f = fopen(p, "w");
	if (!f)
		return 1;
	fputs("\xb0\x00\xe6\xf4", f);
	fclose(f);

	test_u64();
	test_size();
	test_flags();
	test_seconds();
	test_format_and_names();
	test_caps();
	test_multiboot();
	test_example();
	test_forms();
	test_errors();
	test_multiboot_keys();
	test_platform_keys();
	test_no_reboot();
	test_finish();

	unlink(p);
	rmdir(dir);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
