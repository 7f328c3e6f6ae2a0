// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: main, the command table, help and option parsing.
 *
 * Commands match exactly. `help`, `--help` and `CMD --help` print to
 * stdout and exit 0; a bad command line prints to stderr and exits 2
 * (run: 125, as docker run does, so its own statuses stay the guest's).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "axvmctl.h"

static int cmd_help(const struct cmd *c, int argc, char **argv);

static const char run_detail[] =
"Create a VM in VMM mode, run it in the foreground with one thread per\n"
"vCPU and copy its console to stdout (stdin, when a terminal or a pipe,\n"
"goes to the guest's UART). The VM goes away when axvmctl exits.\n"
"\n"
"  --name N            the VM's name\n"
"  --memory SIZE       RAM at GPA 0 (default 64M; K/M/G suffixes)\n"
"  --cpus N            vCPUs (default 1)\n"
"  --image FILE[@GPA]  a raw image, at GPA (default 0x100000, 0x7c00 in\n"
"                      real mode)\n"
"  --kernel ELF        an ELF (or Multiboot ELF) kernel\n"
"  --initrd FILE       a module for the Multiboot kernel, its string FILE;\n"
"                      repeatable (up to 8), loaded in order after it\n"
"  --cmdline STR       the Multiboot kernel's command line\n"
"  --platform P        pc: local APICs, IOAPIC, 8259s; vCPU 0 starts at the\n"
"                      entry, the others wait for INIT/SIPI (the default, when\n"
"                      the module has it); none: a bare VM, every vCPU at the\n"
"                      entry, IRQ line N is vector 0x20 + N\n"
"  --mode MODE         real, protected or long (default long; an ELF's own)\n"
"  --entry GPA         the entry point (default: the image's)\n"
"  --ap-entry GPA      where the vCPUs but vCPU 0 start, in the entry's mode\n"
"  --no-reboot         a guest reset (ACPI reset register, port 0xcf9) ends\n"
"                      the VM with status 0 instead of rebooting it\n"
"  --timeout SEC       stop the VM after SEC seconds (reboots included) and\n"
"                      exit 124\n"
"  CONFIG.json         a VM config; the options above override it\n"
"\n"
"A guest reset reboots the VM in place (images reloaded, same console):\n"
"stderr says \"guest reset: rebooting\". A triple fault is not a reset.\n"
"\n"
"Exit status: the value v the guest wrote to port 0xf4, as v & 0xff;\n"
"124 timeout; 125 axvmctl or axvm failed (bad arguments or config, no\n"
"/dev/axvm, an ioctl error); 126 the VM failed (shutdown (triple fault),\n"
"entry failure, internal error); 0 any other clean stop: ACPI poweroff,\n"
"a reset under --no-reboot, SIGINT or SIGTERM (which stop the VM).\n";

static const char create_detail[] =
"Create a managed VM from CONFIG.json and configure it (state loaded),\n"
"without starting it; print its id. The VM lives in the module until\n"
"`axvmctl destroy ID`. Takes the options of run except --timeout.\n"
"The kernel reboots a managed VM whose guest resets; with --no-reboot\n"
"(base.no_reboot) the VM stops instead (exit_reason reset).\n";

static const char list_detail[] =
"List the VMs: id, name, state, mode (managed or vmm), vCPUs, memory,\n"
"platform (pc or none). --json prints an array of {id, name, state,\n"
"mode, vcpus, memory_bytes, platform}.\n";

static const char info_detail[] =
"Show one VM: what list shows plus max_vcpus, exit_reason, exit_code,\n"
"created_ns and the exit statistics.\n";

static const char console_detail[] =
"Print what the VM's console holds, then follow its output; keyboard\n"
"input goes to the guest's UART (the terminal is in raw mode). Ctrl-]\n"
"detaches; the VM keeps running.\n";

static const struct cmd cmds[] = {
	{ "run", cmd_run,
	  "[--name N] [--memory SIZE] [--cpus N] [--image FILE[@GPA]]\n"
	  "            [--kernel ELF] [--initrd FILE]... [--cmdline STR]\n"
	  "            [--platform pc|none] [--mode real|protected|long]\n"
	  "            [--entry GPA] [--ap-entry GPA] [--no-reboot] [--timeout SEC]\n"
	  "            [CONFIG.json]",
	  "run a VM in the foreground", run_detail, EX_RUN_ERR, NULL },
	{ "create", cmd_create, "[OPTIONS] CONFIG.json",
	  "create a managed VM, print its id", create_detail, EX_MISUSE, NULL },
	{ "start", cmd_lifecycle, "ID", "start a created VM (loaded -> running)",
	  NULL, EX_MISUSE, axvm_vm__start },
	{ "pause", cmd_lifecycle, "ID", "pause a VM (running -> suspended)",
	  NULL, EX_MISUSE, axvm_vm__pause },
	{ "resume", cmd_lifecycle, "ID", "resume a VM (suspended -> running)",
	  NULL, EX_MISUSE, axvm_vm__resume },
	{ "stop", cmd_lifecycle, "ID", "stop a VM and wait until it is stopped",
	  NULL, EX_MISUSE, axvm_vm__stop },
	{ "restart", cmd_lifecycle, "ID",
	  "restart a stopped VM (reset, reload, run)", NULL, EX_MISUSE,
	  axvm_vm__restart },
	{ "destroy", cmd_lifecycle, "ID", "destroy a VM that is not running",
	  NULL, EX_MISUSE, axvm_vm__destroy },
	{ "list", cmd_list, "[--json]", "list the VMs", list_detail, EX_MISUSE,
	  NULL },
	{ "info", cmd_info, "ID [--json]", "show a VM", info_detail, EX_MISUSE,
	  NULL },
	{ "console", cmd_console, "ID", "attach to a VM's console",
	  console_detail, EX_MISUSE, NULL },
	{ "caps", cmd_caps, "[--json]", "show the API version and capabilities",
	  NULL, EX_MISUSE, NULL },
	{ "help", cmd_help, "[COMMAND]", "show help", NULL, EX_MISUSE, NULL },
};

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [ARGS]\n       %s --version\n\n",
		progname(), progname());
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n`%s help COMMAND` tells more.\n", progname());
}

void cmd_usage(const struct cmd *c, bool to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;

	fprintf(f, "usage: %s %s %s\n", progname(), c->name, c->args);
	if (to_stderr)
		return;
	fprintf(f, "\n%s.\n", c->help);
	if (c->detail)
		fprintf(f, "\n%s", c->detail);
}

int cmd_misuse(const struct cmd *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errf("%s: %s", c->name, msg);
	cmd_usage(c, true);
	return c->misuse;
}

/* getopt_long's complaint, in our words. */
static int bad_option(const struct cmd *c, int opt, char **argv,
		      const struct option *opts)
{
	const char *arg = argv[optind - 1];
	size_t i;

	if (opt == ':') {
		for (i = 0; opts[i].name; i++)
			if (optopt && opts[i].val == optopt)
				return cmd_misuse(c, "--%s needs an argument",
						  opts[i].name);
		return cmd_misuse(c, "%s needs an argument", arg);
	}
	if (strncmp(arg, "--", 2)) {
		if (optopt > 0 && optopt < 256)
			return cmd_misuse(c, "unknown option -%c", optopt);
		return cmd_misuse(c, "unknown option %s", arg);
	}
	/* A known long option given a value it does not take. */
	for (i = 0; optopt && opts[i].name; i++)
		if (opts[i].val == optopt)
			return cmd_misuse(c, "--%s takes no argument",
					  opts[i].name);
	return cmd_misuse(c, "unknown option %.*s", (int)strcspn(arg, "="),
			  arg);
}

enum {
	OPT_NAME = 256, OPT_MEMORY, OPT_CPUS, OPT_IMAGE, OPT_KERNEL,
	OPT_MODE, OPT_ENTRY, OPT_TIMEOUT, OPT_JSON, OPT_CMDLINE, OPT_INITRD,
	OPT_PLATFORM, OPT_AP_ENTRY, OPT_NO_REBOOT,
};

/* --mode or --platform: the word's number into *@out; -1 after misuse. */
static int word_opt(const struct cmd *c, const struct word_set *w, int *out)
{
	*out = word_index(w, optarg);
	if (*out >= 0)
		return 0;
	cmd_misuse(c, "--%s: bad %s \"%s\" (%s)", w->what, w->what, optarg,
		   w->choices);
	return -1;
}

int parse_vm_opts(const struct cmd *c, int argc, char **argv,
		  struct vm_opts *o, uint64_t *timeout_ms, int *first_arg)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "ap-entry", required_argument, NULL, OPT_AP_ENTRY },
		{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int opt;

	memset(o, 0, sizeof(*o));
	if (timeout_ms)
		*timeout_ms = 0;
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cmd_usage(c, false);
			return 1;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_MEMORY:
			if (parse_size(optarg, &o->memory)) {
				cmd_misuse(c, "--memory: bad size \"%s\"", optarg);
				return -1;
			}
			o->has_memory = true;
			break;
		case OPT_CPUS:
			if (parse_u64(optarg, &v) || v < 1 || v > VM_MAX_VCPUS) {
				cmd_misuse(c, "--cpus: bad number \"%s\" (1..%d)",
					   optarg, VM_MAX_VCPUS);
				return -1;
			}
			o->cpus = (uint32_t)v;
			o->has_cpus = true;
			break;
		case OPT_IMAGE:
			o->image = optarg;
			break;
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_CMDLINE:
			if (strlen(optarg) >= AXVM_CMDLINE_MAX) {
				cmd_misuse(c, "--cmdline: longer than %d bytes",
					   AXVM_CMDLINE_MAX - 1);
				return -1;
			}
			o->cmdline = optarg;
			break;
		case OPT_INITRD:
			if (o->nr_initrds == CFG_MAX_MODULES) {
				cmd_misuse(c, "--initrd: more than %d modules",
					   CFG_MAX_MODULES);
				return -1;
			}
			o->initrds[o->nr_initrds++] = optarg;
			break;
		case OPT_PLATFORM:
			if (word_opt(c, &platform_words, &o->platform))
				return -1;
			o->has_platform = true;
			break;
		case OPT_MODE:
			if (word_opt(c, &mode_words, &o->mode))
				return -1;
			o->has_mode = true;
			break;
		case OPT_ENTRY:
			if (parse_u64(optarg, &o->entry)) {
				cmd_misuse(c, "--entry: bad address \"%s\"", optarg);
				return -1;
			}
			o->has_entry = true;
			break;
		case OPT_AP_ENTRY:
			if (parse_u64(optarg, &o->ap_entry)) {
				cmd_misuse(c, "--ap-entry: bad address \"%s\"",
					   optarg);
				return -1;
			}
			o->has_ap_entry = true;
			break;
		case OPT_NO_REBOOT:
			o->no_reboot = true;
			break;
		case OPT_TIMEOUT:
			if (!timeout_ms) {
				cmd_misuse(c, "unknown option --timeout");
				return -1;
			}
			if (parse_seconds(optarg, timeout_ms)) {
				cmd_misuse(c, "--timeout: bad number of seconds \"%s\"",
					   optarg);
				return -1;
			}
			break;
		default:
			bad_option(c, opt, argv, opts);
			return -1;
		}
	}
	if (o->image && o->kernel) {
		cmd_misuse(c, "--image and --kernel exclude each other");
		return -1;
	}
	*first_arg = optind;
	return 0;
}

/*
 * The options of the other commands: --json where @json is given,
 * --help; then between @min and @max positional arguments into @pos.
 * 0, 1 when help was printed, -1 on misuse (printed).
 */
int parse_simple(const struct cmd *c, int argc, char **argv, bool *json,
		 char **pos, int min, int max)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, n;

	if (json)
		*json = false;
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cmd_usage(c, false);
			return 1;
		case 'j':
		case OPT_JSON:
			if (json) {
				*json = true;
				break;
			}
			cmd_misuse(c, "unknown option %s", argv[optind - 1]);
			return -1;
		default:
			bad_option(c, opt, argv, opts);
			return -1;
		}
	}
	n = argc - optind;
	if (n < min) {
		cmd_misuse(c, "missing %s", c->args);
		return -1;
	}
	if (n > max) {
		cmd_misuse(c, "unexpected argument \"%s\"", argv[optind + max]);
		return -1;
	}
	if (n)
		memcpy(pos, argv + optind, sizeof(*pos) * (size_t)n);
	return 0;
}

static int cmd_help(const struct cmd *c, int argc, char **argv)
{
	const struct cmd *t;
	char *pos[1] = { NULL };
	int ret = parse_simple(c, argc, argv, NULL, pos, 0, 1);

	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	if (!pos[0]) {
		usage(stdout);
		return EX_OK;
	}
	t = find_cmd(pos[0]);
	if (!t)
		return cmd_misuse(c, "unknown command \"%s\"", pos[0]);
	cmd_usage(t, false);
	return EX_OK;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EX_MISUSE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EX_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("%s %s (axvm API %d)\n", progname(), AXVM_VERSION,
		       AXVM_API_VERSION);
		return EX_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		errf("%s \"%s\"; try `%s help`", argv[1][0] == '-' ?
		     "unknown option" : "unknown command", argv[1], progname());
		return EX_MISUSE;
	}
	ret = c->fn(c, argc - 1, argv + 1);
	if (fflush(stdout) || ferror(stdout)) {
		errnof(errno, "%s: writing the output", c->name);
		if (!ret)
			ret = c->misuse == EX_RUN_ERR ? EX_RUN_ERR : EX_FAIL;
	}
	return ret;
}
