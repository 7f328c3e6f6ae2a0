// SPDX-License-Identifier: GPL-2.0
/*
 * axvmctl: guest images. The module does the loading (AXVM_LOAD_IMAGE);
 * we read the file and tell the formats apart: an ELF by its magic, and
 * a Multiboot v1 kernel by the header the spec puts in its first 8 KiB
 * (magic, flags, checksum summing to zero, 4-byte aligned).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "axvmctl.h"

#define IMAGE_MAX_BYTES		(1ULL << 32)
#define MULTIBOOT_MAGIC		0x1BADB002u
#define MULTIBOOT_SEARCH	8192

bool image_is_elf(const void *buf, size_t size)
{
	return size >= 4 && !memcmp(buf, "\x7f" "ELF", 4);
}

bool image_is_multiboot(const void *buf, size_t size)
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

int image_read(const char *path, struct image *img)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd, err;

	memset(img, 0, sizeof(*img));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st))
		goto err_close;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto err_close;
	}
	if (!st.st_size || (uint64_t)st.st_size > IMAGE_MAX_BYTES) {
		errno = st.st_size ? EFBIG : ENODATA;
		goto err_close;
	}
	img->size = (size_t)st.st_size;
	img->buf = malloc(img->size);
	if (!img->buf)
		goto err_close;
	while (got < img->size) {
		n = read(fd, (char *)img->buf + got, img->size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto err_free;
		if (!n) {
			errno = EIO;	/* the file shrank under us */
			goto err_free;
		}
		got += (size_t)n;
	}
	close(fd);
	return 0;

err_free:
	err = errno;
	free(img->buf);
	img->buf = NULL;
	errno = err;
err_close:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

void image_free(struct image *img)
{
	free(img->buf);
	img->buf = NULL;
	img->size = 0;
}
