/* hivegen.c: registry hives for tests (see hivegen.h). The layout written
 * by hivegen_minimal follows the published description of the regf
 * format: a 4096-byte base block ("regf", sequence numbers, version 1.5,
 * the root cell's offset, the size of the bins, and at 0x1FC the XOR of
 * the 127 little-endian words before it), then one 4096-byte bin ("hbin")
 * holding the root key cell ("nk", flags: hive entry, no delete,
 * compressed name), one security cell ("sk" with a self-relative
 * descriptor that has no owner, group or ACLs), and one free cell for the
 * rest. Cell sizes are negative while allocated and rounded up to 8. */
#include "support/hivegen.h"

#include "support/testutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"

#define BASE 4096u
#define BIN 4096u

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes the XOR checksum of a base block. */
static void set_checksum(unsigned char *h)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < 0x1FC; i += 4)
		sum ^= get32(h + i);
	if (sum == 0xFFFFFFFFu)
		sum = 0xFFFFFFFEu;
	else if (sum == 0)
		sum = 1;
	put32(h + 0x1FC, sum);
}

unsigned char *hivegen_minimal_bytes(const char *root_name, size_t *len)
{
	unsigned char *h = xcalloc(1, BASE + BIN);
	size_t nl = strlen(root_name);
	if (nl > 255)
		nl = 255;
	/* Base block. */
	memcpy(h, "regf", 4);
	put32(h + 0x04, 1);       /* primary sequence number */
	put32(h + 0x08, 1);       /* secondary: equal, so no log replay */
	put32(h + 0x14, 1);       /* major version */
	put32(h + 0x18, 5);       /* minor version */
	put32(h + 0x1C, 0);       /* primary file */
	put32(h + 0x20, 1);       /* direct memory load */
	put32(h + 0x24, 0x20);    /* root cell, from the first bin */
	put32(h + 0x28, BIN);     /* size of the bins */
	put32(h + 0x2C, 1);       /* clustering factor */
	set_checksum(h);
	/* The bin. */
	unsigned char *b = h + BASE;
	memcpy(b, "hbin", 4);
	put32(b + 0x04, 0);       /* its offset from the first bin */
	put32(b + 0x08, BIN);     /* its size */
	/* Root key. */
	uint32_t nk = 0x20, nk_size = (uint32_t)((4 + 0x4C + nl + 7) & ~7u);
	uint32_t sk = nk + nk_size, sk_size = (4 + 0x14 + 20 + 7) & ~7u;
	unsigned char *c = b + nk;
	put32(c, (uint32_t)-(int32_t)nk_size);
	c += 4;
	memcpy(c, "nk", 2);
	put16(c + 0x02, 0x2C);          /* hive entry, no delete, ASCII name */
	put32(c + 0x10, 0xFFFFFFFFu);   /* no parent */
	put32(c + 0x1C, 0xFFFFFFFFu);   /* no subkey list */
	put32(c + 0x20, 0xFFFFFFFFu);   /* no volatile subkey list */
	put32(c + 0x28, 0xFFFFFFFFu);   /* no value list */
	put32(c + 0x2C, sk);            /* security cell */
	put32(c + 0x30, 0xFFFFFFFFu);   /* no class name */
	put16(c + 0x48, (uint16_t)nl);
	memcpy(c + 0x4C, root_name, nl);
	/* Security cell: a list of one, referenced once. */
	c = b + sk;
	put32(c, (uint32_t)-(int32_t)sk_size);
	c += 4;
	memcpy(c, "sk", 2);
	put32(c + 0x04, sk);
	put32(c + 0x08, sk);
	put32(c + 0x0C, 1);
	put32(c + 0x10, 20);
	c[0x14] = 1;                    /* revision */
	put16(c + 0x16, 0x8004);        /* self-relative, DACL present (null) */
	/* The rest of the bin is one free cell. */
	put32(b + sk + sk_size, BIN - (sk + sk_size));
	*len = BASE + BIN;
	return h;
}

void hivegen_make_dirty(const char *path)
{
	size_t len;
	unsigned char *h = (unsigned char *)tu_read_file(path, &len);
	assert_true(len >= BASE);
	put32(h + 0x04, get32(h + 0x08) + 1);
	set_checksum(h);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(h, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(h);
}

int hivegen_minimal(const char *path, const char *root_name)
{
	size_t len;
	unsigned char *h = hivegen_minimal_bytes(root_name, &len);
	FILE *f = fopen(path, "wb");
	int rc = 0;
	if (!f || fwrite(h, 1, len, f) != len)
		rc = -(errno ? errno : EIO);
	if (f && fclose(f) != 0 && rc == 0)
		rc = -errno;
	free(h);
	return rc;
}

void hivegen_from_reg(const char *path, const char *reg_file)
{
	assert_int_equal(hivegen_minimal(path, "ROOT"), 0);
	hivegen_merge(path, reg_file);
}

void hivegen_merge(const char *path, const char *reg_file)
{
	char *out = NULL;
	int rc = tu_sh(&out, "hivexregedit --merge '%s' '%s' 2>&1", path, reg_file);
	if (rc != 0)
		print_error("hivexregedit --merge %s %s: %s\n", path, reg_file, out);
	free(out);
	assert_int_equal(rc, 0);
}

void hivegen_winroot(const char *dir, const char *system_reg, const char *software_reg,
		     const char *sam_reg)
{
	const char *regs[] = { system_reg, software_reg, sam_reg };
	const char *names[] = { "SYSTEM", "SOFTWARE", "SAM" };
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/Windows/System32/config'", dir), 0);
	for (size_t i = 0; i < 3; i++) {
		if (!regs[i])
			continue;
		char *p = xasprintf("%s/Windows/System32/config/%s", dir, names[i]);
		hivegen_from_reg(p, regs[i]);
		free(p);
	}
}

char *hivegen_reged_export(const char *path, const char *prefix, const char *key)
{
	char *tmp = xasprintf("%s.reged-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd >= 0)
		close(fd);
	char *out = NULL;
	int rc = tu_sh(&out, "reged -x '%s' '%s' '%s' '%s' </dev/null 2>&1", path, prefix, key, tmp);
	free(out);
	char *text = NULL;
	if (rc == 0) {
		size_t len;
		text = tu_read_file(tmp, &len);
	}
	unlink(tmp);
	free(tmp);
	return text;
}
