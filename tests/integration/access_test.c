// SPDX-License-Identifier: GPL-2.0
/*
 * Who may reach whose VM (issue 11, item 5). A VMM-mode VM belongs to
 * its creator: OPEN_VM by another uid is refused (EACCES) unless the
 * caller has CAP_SYS_ADMIN; a managed VM is the axvm group's to share.
 * Everyone may still see every VM without an fd (QUERY_VM), so `axvmctl
 * list` and `info` keep working for all.
 *
 * Runs as root in the test host; the other users are children that
 * drop to uid 1000 or 1001 (and group 1234, given /dev/axvm for the
 * axvmctl check). Built 64-bit and 32-bit; prints TAP.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "tap.h"

#define MiB		(1ULL << 20)
#define RWX		(AXVM_MEM_READ | AXVM_MEM_WRITE | AXVM_MEM_EXEC)
#define AXVM_GID	1234
#define AXVMCTL		"/axvm/bin/axvmctl"

static int open_vm(int sys, __u32 id)
{
	struct axvm_open_vm o;
	int fd;

	memset(&o, 0, sizeof(o));
	o.id = id;
	fd = ioctl(sys, AXVM_OPEN_VM, &o);
	return fd;
}

static int query_vm(int sys, __u32 id, struct axvm_vm_info *info)
{
	memset(info, 0xa5, sizeof(*info));
	info->id = id;
	return ioctl(sys, AXVM_QUERY_VM, info);
}

/* Become an ordinary user: no capabilities left (all uids nonzero). */
static int drop_to(uid_t uid)
{
	gid_t g = AXVM_GID;

	return setgroups(1, &g) || setresgid(AXVM_GID, AXVM_GID, AXVM_GID) ||
	       setresuid(uid, uid, uid) ? -1 : 0;
}

/*
 * Run @fn(@sys, @arg) in a child as @uid; its result (a small number,
 * or 255 when it could not drop privileges) is the exit status.
 */
static int as_user(uid_t uid, int (*fn)(int, __u32), int sys, __u32 arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(drop_to(uid) ? 255 : fn(sys, arg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Child bodies: return the errno of OPEN_VM (0: it worked). */
static int try_open(int sys, __u32 id)
{
	int fd = open_vm(sys, id);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* 0 when QUERY_VM shows VM @id by the name "acc-<something>". */
static int try_query(int sys, __u32 id)
{
	struct axvm_vm_info info;

	if (query_vm(sys, id, &info))
		return errno;
	return info.id == id && !strncmp(info.name, "acc-", 4) ? 0 : 200;
}

/* 0 when `axvmctl list --json` run as this user names VM @id's name. */
static int try_list(int sys, __u32 id)
{
	struct axvm_vm_info info;
	char buf[8192];
	ssize_t n, len = 0;
	int p[2], status;
	pid_t pid;

	if (query_vm(sys, id, &info) || pipe(p))
		return 201;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl(AXVMCTL, "axvmctl", "list", "--json", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return 202;
	return strstr(buf, info.name) ? 0 : 203;
}

/* A VMM-mode VM of uid 1000 that lives until the parent writes a byte. */
static pid_t user_vm(int sys, __u32 *id)
{
	int up[2], down[2];
	pid_t pid;
	char c;

	*id = 0;
	if (pipe(up) || pipe(down))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int vm = -1;

		if (!drop_to(1000))
			vm = axvm_vm_new(sys, 0, 1, "acc-user", id);
		if (vm < 0)
			*id = 0;
		if (write(up[1], id, sizeof(*id)) != sizeof(*id) ||
		    read(down[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (pid < 0 || read(up[0], id, sizeof(*id)) != sizeof(*id))
		*id = 0;
	close(up[0]);
	/* The child exits when this end closes: the VM goes with it. */
	return pid;
}

int main(void)
{
	int sys, vmm, mgd, fd, ret;
	struct axvm_vm_info info;
	__u32 vmm_id, mgd_id, user_id;
	struct stat st;
	pid_t pid;

	sys = axvm_open();
	if (!tap_check(sys >= 0, "open /dev/axvm"))
		return tap_done();
	tap_ret(ioctl(sys, AXVM_CHECK_EXTENSION, AXVM_CAP_QUERY_VM), 1,
		"CHECK_EXTENSION(CAP_QUERY_VM) is 1");

	vmm = axvm_vm_new(sys, 0, 1, "acc-vmm", &vmm_id);
	mgd = axvm_vm_new(sys, AXVM_VM_MANAGED, 1, "acc-mgd", &mgd_id);
	if (!tap_check(vmm >= 0 && mgd >= 0,
		       "root creates a VMM-mode and a managed VM"))
		return tap_done();
	axvm_region(vmm, 0, 2 * MiB, RWX);

	/* QUERY_VM: the view `list` and `info` need, for anyone. */
	tap_ret(query_vm(sys, vmm_id, &info), 0, "QUERY_VM of a VM by id");
	tap_check(info.id == vmm_id && !strcmp(info.name, "acc-vmm") &&
		  info.state == AXVM_VM_LOADING && info.flags == 0 &&
		  info.memory_bytes == 2 * MiB && info.max_vcpus == 1,
		  "QUERY_VM fills the info as GET_VM_INFO does");
	tap_errno(query_vm(sys, 0x7ffffff0, &info), ENOENT,
		  "QUERY_VM of a missing id: ENOENT");
	tap_errno(query_vm(sys, AXVM_ID_NONE, &info), ENOENT,
		  "QUERY_VM of AXVM_ID_NONE: ENOENT");

	/* Another user, through an inherited /dev/axvm fd. */
	tap_eq(as_user(1000, try_open, sys, vmm_id), EACCES,
	       "uid 1000: OPEN_VM of root's VMM-mode VM: EACCES");
	tap_eq(as_user(1000, try_open, sys, mgd_id), 0,
	       "uid 1000: OPEN_VM of a managed VM: allowed");
	tap_eq(as_user(1000, try_query, sys, vmm_id), 0,
	       "uid 1000: QUERY_VM of root's VMM-mode VM: allowed");
	tap_eq(as_user(1000, try_query, sys, mgd_id), 0,
	       "uid 1000: QUERY_VM of a managed VM: allowed");

	/* A user's own VM: theirs and root's (CAP_SYS_ADMIN), no one else's. */
	pid = user_vm(sys, &user_id);
	if (tap_check(pid > 0 && user_id, "uid 1000 creates VMM-mode VM %u",
		      user_id)) {
		tap_eq(as_user(1000, try_open, sys, user_id), 0,
		       "uid 1000 (another process): OPEN_VM of its own VM");
		tap_eq(as_user(1001, try_open, sys, user_id), EACCES,
		       "uid 1001: OPEN_VM of uid 1000's VM: EACCES");
		fd = tap_fd(open_vm(sys, user_id),
			    "root (CAP_SYS_ADMIN): OPEN_VM of uid 1000's VM");
		if (fd >= 0)
			close(fd);
	}

	/* `axvmctl list` as an ordinary member of the device's group. */
	if (stat("/dev/axvm", &st) == 0 &&
	    chown("/dev/axvm", 0, AXVM_GID) == 0 &&
	    chmod("/dev/axvm", 0660) == 0) {
		tap_eq(as_user(1001, try_list, sys, vmm_id), 0,
		       "uid 1001: axvmctl list shows root's VMM-mode VM");
		tap_eq(as_user(1001, try_list, sys, user_id), 0,
		       "uid 1001: axvmctl list shows uid 1000's VM");
		ret = chown("/dev/axvm", st.st_uid, st.st_gid) |
		      chmod("/dev/axvm", st.st_mode & 07777);
		tap_ret(ret, 0, "/dev/axvm's owner and mode restored");
	} else {
		tap_check(0, "give /dev/axvm to group %d: %s", AXVM_GID,
			  strerror(errno));
	}

	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	ioctl(mgd, AXVM_DESTROY, 0);
	close(mgd);
	close(vmm);
	tap_errno(query_vm(sys, vmm_id, &info), ENOENT,
		  "QUERY_VM after the last fd closed: ENOENT");
	close(sys);
	return tap_done();
}
