// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: managed VMs, by id: create, the lifecycle verbs, list, info,
 * caps. Exit statuses: 0 success, 1 failure (stderr names the operation,
 * the VM and the errno text), 2 a bad command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "axvmctl.h"

#define STOP_WAIT_MS	10000

int cmd_create(const struct cmd *c, int argc, char **argv)
{
	struct vm_config *cfg;
	struct vm_opts o;
	struct vm vm;
	int first, ret;

	ret = parse_vm_opts(c, argc, argv, &o, NULL, &first);
	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	if (argc - first > 1)
		return cmd_misuse(c, "unexpected argument \"%s\"", argv[first + 1]);
	if (argc == first && !o.image && !o.kernel)
		return cmd_misuse(c, "missing CONFIG.json");
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		errnof(ENOMEM, "%s", c->name);
		return EX_FAIL;
	}
	ret = EX_FAIL;
	if (load_vm_config(c->name, argc > first ? argv[first] : NULL, &o, cfg))
		goto out;
	if (vm_build(cfg, true, c->name, &vm))
		goto out;
	printf("%u\n", vm.ax.id);
	vm_close(&vm);
	ret = EX_OK;
out:
	free(cfg);
	return ret;
}

/* Any VM, by id, without an fd of its own (AXVM_QUERY_VM). */
static int get_info(int sys_fd, uint32_t id, struct axvm_vm_info *info)
{
	if (axvm_query_vm(sys_fd, id, info))
		return -1;
	info->name[AXVM_NAME_LEN - 1] = '\0';
	return 0;
}

/* Open VM @id for @op; on failure print "op: vm ID: error" and return -1. */
static int open_vm_for(const char *op, uint32_t id, int *sys_fd,
		       struct axvm_vm *vm)
{
	*sys_fd = open_sys(op);
	if (*sys_fd < 0)
		return -1;
	if (axvm_vm__open(vm, *sys_fd, id)) {
		errnof(errno, "%s: vm %u", op, id);
		close(*sys_fd);
		*sys_fd = -1;
		return -1;
	}
	return 0;
}

static int parse_id_arg(const struct cmd *c, int argc, char **argv,
			bool *json, uint32_t *id)
{
	char *pos[1];
	int ret = parse_simple(c, argc, argv, json, pos, 1, 1);

	if (ret)
		return ret;
	if (parse_vm_id(pos[0], id)) {
		cmd_misuse(c, "bad VM id \"%s\"", pos[0]);
		return -1;
	}
	return 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* STOP may return while the VM is still stopping: wait for stopped. */
static int wait_stopped(int sys_fd, uint32_t id)
{
	struct axvm_vm_info info;
	unsigned int waited;

	for (waited = 0; ; waited += 20) {
		if (get_info(sys_fd, id, &info)) {
			errnof(errno, "stop: vm %u: get info", id);
			return -1;
		}
		if (info.state == AXVM_VM_STOPPED)
			return 0;
		if (waited >= STOP_WAIT_MS)
			break;
		sleep_ms(20);
	}
	errf("stop: vm %u: still %s after %d s", id, state_name(info.state),
	     STOP_WAIT_MS / 1000);
	return -1;
}

int cmd_lifecycle(const struct cmd *c, int argc, char **argv)
{
	struct axvm_vm_info info;
	struct axvm_vm vm;
	int sys_fd, err, ret;
	uint32_t id;

	ret = parse_id_arg(c, argc, argv, NULL, &id);
	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	if (open_vm_for(c->name, id, &sys_fd, &vm))
		return EX_FAIL;
	ret = EX_OK;
	if (c->op(&vm)) {
		err = errno;
		/* Say why a transition was refused: the state it met. */
		if ((err == EINVAL || err == EBUSY) &&
		    !get_info(sys_fd, id, &info))
			errf("%s: vm %u: %s (the vm is %s)", c->name, id,
			     strerror(err), state_name(info.state));
		else
			errnof(err, "%s: vm %u", c->name, id);
		ret = EX_FAIL;
	} else if (c->op == axvm_vm__stop && wait_stopped(sys_fd, id)) {
		ret = EX_FAIL;
	}
	axvm_vm__close(&vm);
	close(sys_fd);
	return ret;
}

#define LIST_COLS	7

int cmd_list(const struct cmd *c, int argc, char **argv)
{
	static const char *const cols[LIST_COLS] = {
		"id", "name", "state", "mode", "vcpus", "memory", "platform"
	};
	struct axvm_vm_info *infos = NULL;
	struct field *cells = NULL;
	uint32_t i, nr, rows = 0, *ids;
	int sys_fd, n, ret;
	bool json;

	ret = parse_simple(c, argc, argv, &json, NULL, 0, 0);
	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	sys_fd = open_sys(c->name);
	if (sys_fd < 0)
		return EX_FAIL;
	n = axvm_list_vms(sys_fd, &ids);
	if (n < 0) {
		errnof(errno, "list: list vms");
		close(sys_fd);
		return EX_FAIL;
	}
	nr = (uint32_t)n;
	infos = calloc(nr ? nr : 1, sizeof(*infos));
	cells = calloc((nr ? nr : 1) * LIST_COLS, sizeof(*cells));
	if (!infos || !cells) {
		errnof(ENOMEM, "list");
		ret = EX_FAIL;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		if (get_info(sys_fd, ids[i], &infos[rows])) {
			if (errno == ENOENT)
				continue;	/* destroyed since LIST_VMS */
			errnof(errno, "list: vm %u", ids[i]);
			ret = EX_FAIL;
			continue;
		}
		vm_fields(&infos[rows], false, &cells[rows * LIST_COLS], NULL);
		rows++;
	}
	print_table(cols, LIST_COLS, cells, rows, json);
out:
	free(cells);
	free(infos);
	free(ids);
	close(sys_fd);
	return ret;
}

int cmd_info(const struct cmd *c, int argc, char **argv)
{
	struct field f[VM_FIELDS_MAX], stats[VM_STATS_MAX];
	struct axvm_vm_info info;
	int sys_fd, ret;
	uint32_t id;
	bool json;
	size_t n;

	ret = parse_id_arg(c, argc, argv, &json, &id);
	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	sys_fd = open_sys(c->name);
	if (sys_fd < 0)
		return EX_FAIL;
	ret = EX_OK;
	if (get_info(sys_fd, id, &info)) {
		errnof(errno, "%s: vm %u", c->name, id);
		ret = EX_FAIL;
	} else {
		n = vm_fields(&info, true, f, stats);
		print_object(f, n, json);
	}
	close(sys_fd);
	return ret;
}

#if defined(__aarch64__)
#define AXVM_ARCH	"aarch64"
#else
#define AXVM_ARCH	"x86_64"	/* the module's arch, also for -m32 */
#endif

int cmd_caps(const struct cmd *c, int argc, char **argv)
{
	const char *names[AXVM_CAP_NR];
	struct field f[4 + AXVM_CAP_NR];
	size_t i, n = 0, nn = 0;
	int sys_fd, ret;
	long ver, v;
	bool json;

	ret = parse_simple(c, argc, argv, &json, NULL, 0, 0);
	if (ret)
		return ret > 0 ? EX_OK : c->misuse;
	sys_fd = open_sys(c->name);
	if (sys_fd < 0)
		return EX_FAIL;
	ver = axvm_api_version(sys_fd);
	if (ver < 0) {
		errnof(errno, "%s: get api version", c->name);
		close(sys_fd);
		return EX_FAIL;
	}
	f[n++] = (struct field){ .key = "api_version", .kind = F_U64,
				 .u = (uint64_t)ver };
	f[n++] = (struct field){ .key = "arch", .kind = F_STR, .s = AXVM_ARCH };
	f[n++] = (struct field){ .key = "capabilities", .kind = F_STRS,
				 .strs = names };
	for (i = 0; i < axvm_nr_caps; i++) {
		v = axvm_check_extension(sys_fd, axvm_caps[i].cap);
		if (v < 0) {
			errnof(errno, "%s: check extension %s", c->name,
			       axvm_caps[i].name);
			close(sys_fd);
			return EX_FAIL;
		}
		if (!v)
			continue;
		names[nn++] = axvm_caps[i].name;
		/* A limit also shows as a number of its own. */
		if (axvm_caps[i].valued)
			f[n++] = (struct field){ .key = axvm_caps[i].name,
						 .kind = F_U64, .u = (uint64_t)v };
	}
	f[2].n = nn;
	print_object(f, n, json);
	close(sys_fd);
	return EX_OK;
}
