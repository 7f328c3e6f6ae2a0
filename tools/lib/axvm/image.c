// SPDX-License-Identifier: GPL-2.0
/*
 * libaxvm: guest images. The module does the loading (AXVM_LOAD_IMAGE);
 * here a file is read and its format told: an ELF by its magic, and a
 * Multiboot v1 kernel (an ELF32, for our loader) by the header the spec
 * puts in its first 8 KiB (magic, flags, checksum summing to zero,
 * 4-byte aligned), a Linux bzImage by "HdrS" at 0x202 (boot.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "axvm.h"

#define IMAGE_MAX_BYTES		(1ULL << 32)
#define MULTIBOOT_MAGIC		0x1BADB002u
#define MULTIBOOT_SEARCH	8192
#define BZIMAGE_MAGIC_OFF	0x202

bool axvm_image_is_elf(const void *buf, size_t size)
{
	return size >= 4 && !memcmp(buf, "\177ELF", 4);
}

bool axvm_image_is_multiboot(const void *buf, size_t size)
{
	const unsigned char *p = buf;
	size_t off, end = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;
	uint32_t h[3];

	for (off = 0; off + sizeof(h) <= end; off += 4) {
		memcpy(h, p + off, sizeof(h));
		if (h[0] == MULTIBOOT_MAGIC && h[0] + h[1] + h[2] == 0)
			return true;
	}
	return false;
}

bool axvm_image_is_bzimage(const void *buf, size_t size)
{
	return size >= BZIMAGE_MAGIC_OFF + 4 &&
	       !memcmp((const char *)buf + BZIMAGE_MAGIC_OFF, "HdrS", 4);
}

uint32_t axvm_image_format(const void *buf, size_t size)
{
	if (axvm_image_is_bzimage(buf, size))
		return AXVM_IMAGE_BZIMAGE;
	if (!axvm_image_is_elf(buf, size))
		return AXVM_IMAGE_RAW;
	return axvm_image_is_multiboot(buf, size) ? AXVM_IMAGE_MULTIBOOT :
						    AXVM_IMAGE_ELF;
}

int axvm_image_read(const char *path, void **buf, size_t *size)
{
	struct stat st;
	size_t got = 0, len;
	char *p = NULL;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st))
		goto err;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto err;
	}
	len = (size_t)st.st_size;
	if (!st.st_size || (uint64_t)st.st_size > IMAGE_MAX_BYTES ||
	    (uint64_t)len != (uint64_t)st.st_size) {
		errno = st.st_size ? EFBIG : ENODATA;
		goto err;
	}
	p = malloc(len);
	if (!p)
		goto err;
	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto err;
		if (!n) {
			errno = EIO;	/* the file shrank under us */
			goto err;
		}
		got += (size_t)n;
	}
	close(fd);
	*buf = p;
	*size = len;
	return 0;

err:
	err = errno;
	free(p);
	close(fd);
	errno = err;
	return -1;
}
