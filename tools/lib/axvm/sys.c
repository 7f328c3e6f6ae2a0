// SPDX-License-Identifier: GPL-2.0
/*
 * libaxvm: /dev/axvm itself: opening it, the API version, capabilities,
 * the list of VMs and any VM's info by id.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "axvm.h"

int axvm_open_path(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

int axvm_open(void)
{
	return axvm_open_path("/dev/axvm");
}

int axvm_api_version(int sys)
{
	return ioctl(sys, AXVM_GET_API_VERSION, 0UL);
}

int axvm_check_api(int sys)
{
	int v = axvm_api_version(sys);

	if (v < 0)
		return -1;
	if (v != AXVM_API_VERSION) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

long axvm_check_extension(int sys, unsigned int cap)
{
	return ioctl(sys, AXVM_CHECK_EXTENSION, (unsigned long)cap);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int axvm_list_vms(int sys, uint32_t **ids)
{
	struct axvm_vm_list l;
	uint32_t room = 64, *buf = NULL, *p;
	int err;

	if (!ids) {
		l = (struct axvm_vm_list){ .nr = 0 };
		return ioctl(sys, AXVM_LIST_VMS, &l) ? -1 : (int)l.nr;
	}
	for (;;) {
		p = realloc(buf, room * sizeof(*buf));
		if (!p)
			goto err;
		buf = p;
		l = (struct axvm_vm_list){ .nr = room, .ids = (uintptr_t)buf };
		if (ioctl(sys, AXVM_LIST_VMS, &l))
			goto err;
		if (l.nr <= room)
			break;
		room = l.nr + 16;	/* more came: again, with room */
	}
	qsort(buf, l.nr, sizeof(*buf), cmp_u32);
	*ids = buf;
	return (int)l.nr;

err:
	err = errno;
	free(buf);
	errno = err;
	return -1;
}

int axvm_query_vm(int sys, uint32_t id, struct axvm_vm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = id;
	return ioctl(sys, AXVM_QUERY_VM, info);
}
