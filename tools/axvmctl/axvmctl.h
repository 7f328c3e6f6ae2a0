/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axvmctl: what the parts of the command line share.
 *
 *   cli.c       main, the command table, help and option parsing
 *   parse.c     numbers, sizes, flags and the names of states, reasons,
 *               modes, platforms (pure functions, unit-tested by
 *               test_config.c)
 *   config.c    a JSON VM config (axvisor's keys) -> struct vm_config
 *   overrides.c command-line overrides and the defaults
 *   dev.c       /dev/axvm, VM ids, error messages
 *   vm_build.c  a struct vm_config -> a configured VM (both modes)
 *   vm_run.c    `run`: vCPU threads, exits, console, timeout, signals
 *   console.c   pumping a console fd to stdout and stdin to it
 *   manage.c    create, lifecycle verbs, list, info, caps, console
 *   print.c     the one printing layer: fields as text or JSON
 *
 * Every ioctl goes through libaxvm (tools/lib/axvm/axvm.h), as it does
 * for any VMM; what is here is the command line around it.
 */
#ifndef AXVMCTL_H
#define AXVMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <axvm/axvm.h>

#ifndef AXVM_VERSION
#define AXVM_VERSION "unknown"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit statuses (DESIGN.md §8). */
#define EX_OK		0
#define EX_FAIL		1	/* other commands: the operation failed */
#define EX_MISUSE	2	/* other commands: bad command line */
#define EX_TIMEOUT	124	/* run: --timeout expired */
#define EX_RUN_ERR	125	/* run: axvmctl or axvm failed */
#define EX_VM_ERR	126	/* run: the VM failed */

/* ---- parse.c ------------------------------------------------------------ */

/* Decimal or 0x-hex, '_' allowed between digits. 0, -EINVAL or -ERANGE. */
int parse_u64(const char *s, uint64_t *out);
/* parse_u64 with an optional K/M/G/T suffix (x1024), "B"/"iB" allowed. */
int parse_size(const char *s, uint64_t *out);
/* A memory region's flags: a number (R=1 W=2 X=4 USER=8) or "rwxu". */
int parse_mem_flags(const char *s, uint32_t *out);
/* Seconds, with an optional fraction: "5", "0.5". Milliseconds out. */
int parse_seconds(const char *s, uint64_t *ms);
/* "64M" for a multiple of a unit, else the number of bytes. */
void format_size(uint64_t v, char *buf, size_t len);

/*
 * The words an option or a config key takes, where there are a few: a
 * word's number is its index (mode_words: AXVM_MODE_*; platform_words:
 * enum platform, with or without AXVM_VM_PLATFORM_PC).
 */
struct word_set {
	const char *what;		/* "mode", for messages */
	const char *const *names;
	size_t n;
	const char *choices;		/* "real, protected or long" */
};
enum platform { PLATFORM_NONE, PLATFORM_PC };
extern const struct word_set mode_words, platform_words;
int word_index(const struct word_set *w, const char *s);	/* or -1 */

const char *mode_name(unsigned int mode);
const char *platform_name(uint32_t vm_flags);	/* "pc" or "none" */
const char *state_name(unsigned int state);	/* enum axvm_vm_state */
const char *stop_reason_name(unsigned int reason);
const char *exit_reason_name(unsigned int reason); /* enum axvm_exit_reason */

struct cap_desc {
	unsigned int cap;
	const char *name;
	bool valued;		/* CHECK_EXTENSION returns a count */
};
extern const struct cap_desc axvm_caps[];
extern const size_t axvm_nr_caps;

/* ---- config.c ----------------------------------------------------------- */

#define CFG_MAX_REGIONS		32
#define CFG_MAX_DEVICES		32
#define CFG_MAX_PCPU_SETS	8	/* struct axvm_create_vm.pcpu_sets */
#define CFG_MAX_MODULES		8	/* --initrd */

enum image_kind {
	IMAGE_AUTO,		/* ELF by its magic, else raw */
	IMAGE_RAW,
	IMAGE_ELF,		/* ELF, or Multiboot when it has the header */
};

struct vm_config {
	char file[PATH_MAX];		/* the config file, "" when none */
	uint32_t id;			/* 0: the module picks */
	char name[AXVM_NAME_LEN];
	uint32_t cpu_num;		/* 0: unset */
	uint64_t pcpu_sets[CFG_MAX_PCPU_SETS];
	unsigned int nr_pcpu_sets;
	int platform;			/* enum platform, -1 unset */

	char image[PATH_MAX];		/* "" when none */
	enum image_kind image_kind;
	bool has_load_addr, has_entry, has_ap_entry;
	uint64_t load_addr, entry, ap_entry;
	int mode;			/* AXVM_MODE_*, -1 unset */
	/* A Multiboot kernel's command line and modules (in load order). */
	char cmdline[AXVM_CMDLINE_MAX];	/* "" when none */
	char modules[CFG_MAX_MODULES][PATH_MAX];
	unsigned int nr_modules;
	uint64_t module_addr;		/* the first's gpa; 0: after the kernel */

	struct axvm_memory_region regions[CFG_MAX_REGIONS];
	unsigned int nr_regions;
	struct axvm_device devices[CFG_MAX_DEVICES];
	unsigned int nr_devices;
	bool has_devices;		/* devices.emu_devices was given */
	/*
	 * base.no_reboot: a guest reset ends the VM instead of restarting
	 * it (run: status 0; create: AXVM_VM_NO_REBOOT).
	 */
	bool no_reboot;
};

/* Command-line values that override a config's. */
struct vm_opts {
	const char *name;
	const char *image;		/* FILE[@GPA], raw */
	const char *kernel;		/* ELF */
	const char *cmdline;		/* NULL: the config's */
	const char *initrds[CFG_MAX_MODULES];	/* replace the config's */
	unsigned int nr_initrds;
	bool has_memory, has_cpus, has_mode, has_entry, has_ap_entry;
	bool has_platform;
	bool no_reboot;			/* --no-reboot: sets base.no_reboot */
	uint64_t memory, entry, ap_entry;
	uint32_t cpus;
	int mode;
	int platform;			/* enum platform */
};

void config_init(struct vm_config *cfg);
/*
 * Parse @file into @cfg (after config_init). Returns 0, or -1 with a
 * message naming the file and the key in @err ("cfg.json:
 * kernel.memory_regions[0].size: bad size \"64Q\"").
 */
int config_load(const char *file, struct vm_config *cfg, char *err,
		size_t errlen);
/* Same, from a string; @file only names it in messages and sets the base dir. */
int config_parse(const char *file, const char *text, struct vm_config *cfg,
		 char *err, size_t errlen);
/*
 * Apply command-line overrides, then the defaults (one 64M region at
 * GPA 0 when none is given, 1 vCPU; COM1 and debug-exit without a
 * config file). 0 or -1 with @err.
 */
int config_finish(struct vm_config *cfg, const struct vm_opts *o, char *err,
		  size_t errlen);

/* ---- dev.c -------------------------------------------------------------- */

const char *progname(void);
void errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* errf plus ": strerror(err)". */
void errnof(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* $AXVM_DEVICE or /dev/axvm */
const char *dev_path(void);
/* Open /dev/axvm; on failure print "OP: /dev/axvm: error" and return -1. */
int open_sys(const char *op);
/* A VM id on the command line: 0 or -1. */
int parse_vm_id(const char *s, uint32_t *id);

/* ---- vm_build.c --------------------------------------------------------- */

#define VM_MAX_VCPUS	AXVM_LIB_MAX_VCPUS

struct vm {
	int sys_fd;
	struct axvm_vm ax;		/* the VM fd, its id, its vCPUs */
	char label[AXVM_NAME_LEN + 16];	/* "vm hello" / "vm 3", for messages */
	uint64_t entry;
	uint32_t mode;
	bool platform_pc;		/* created with AXVM_VM_PLATFORM_PC */
};

/*
 * Create and configure a VM from @cfg up to FINALIZE (state loaded).
 * Messages name @op. Returns 0, or -1 after printing the error and
 * undoing what was done (a managed VM is destroyed).
 */
int vm_build(const struct vm_config *cfg, bool managed, const char *op,
	     struct vm *vm);
void vm_close(struct vm *vm);

/* ---- console.c ---------------------------------------------------------- */

/* Copy what the console fd holds now to stdout. <0 on EOF, else 0. */
int console_drain(int con_fd);
/* write() all of @buf to @fd, waiting when it is non-blocking. */
int write_all(int fd, const void *buf, size_t len);

struct input_buf {
	unsigned char buf[256];
	size_t len;
	bool closed;			/* stdin EOF or the guest takes no input */
};
/* Forward pending input to the console fd; 0 or -1 (console gone). */
int input_flush(struct input_buf *in, int con_fd);

/* ---- print.c ------------------------------------------------------------ */

enum field_kind { F_STR, F_U64, F_S64, F_OBJ, F_STRS };

struct field {
	const char *key;		/* the JSON key */
	const char *label;		/* the text label, NULL: the key */
	enum field_kind kind;
	const char *s;
	uint64_t u;
	int64_t i;
	const struct field *sub;	/* F_OBJ: sub-fields; F_STRS: strings */
	const char *const *strs;
	size_t n;
	char text[24];			/* text output shows this when set */
};

int print_object(const struct field *f, size_t n, bool json);
/* A list: @n rows of @ncols cells each; @cols heads the text columns. */
int print_table(const char *const *cols, size_t ncols,
		const struct field *cells, size_t n, bool json);

/* The fields of a VM, for list (@detail false) and info. */
#define VM_FIELDS_MAX	16
#define VM_STATS_MAX	16
size_t vm_fields(const struct axvm_vm_info *in, bool detail,
		 struct field *out, struct field *stats);

/* ---- commands ----------------------------------------------------------- */

struct cmd;
typedef int (*cmd_fn)(const struct cmd *c, int argc, char **argv);

struct cmd {
	const char *name;
	cmd_fn fn;
	const char *args;		/* usage after the name */
	const char *help;		/* one line */
	const char *detail;		/* `help CMD` text, may be NULL */
	int misuse;			/* status for a bad command line */
	int (*op)(struct axvm_vm *vm);	/* lifecycle verbs: the call */
};

void cmd_usage(const struct cmd *c, bool to_stderr);
/* Print "OP: msg" and the usage hint; returns c->misuse. */
int cmd_misuse(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Parse the VM options common to run and create (@timeout_ms NULL: no
 * --timeout). 0 with *@first_arg at the positional arguments, 1 when
 * help was printed, -1 on misuse (printed).
 */
int parse_vm_opts(const struct cmd *c, int argc, char **argv,
		  struct vm_opts *o, uint64_t *timeout_ms, int *first_arg);

/*
 * --json (when @json is given) and --help, then @min..@max positional
 * arguments into @pos. 0, 1 when help was printed, -1 on misuse.
 */
int parse_simple(const struct cmd *c, int argc, char **argv, bool *json,
		 char **pos, int min, int max);

int cmd_run(const struct cmd *c, int argc, char **argv);
int cmd_create(const struct cmd *c, int argc, char **argv);
int cmd_lifecycle(const struct cmd *c, int argc, char **argv);
int cmd_list(const struct cmd *c, int argc, char **argv);
int cmd_info(const struct cmd *c, int argc, char **argv);
int cmd_caps(const struct cmd *c, int argc, char **argv);
int cmd_console(const struct cmd *c, int argc, char **argv);

/* Load and finish a config for run/create; -1 after printing. */
int load_vm_config(const char *op, const char *file, const struct vm_opts *o,
		   struct vm_config *cfg);

#endif /* AXVMCTL_H */
