/* test_sha256.c: our SHA-256 against the FIPS 180-2 example vectors, and
 * against coreutils' sha256sum for lengths around the block boundaries
 * and for data fed in pieces. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/sha256.h"
#include "engine/util/util.h"

static void check_hex(const char *msg, size_t n, const char *want)
{
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(msg, n, hex);
	assert_string_equal(hex, want);
}

static void test_fips_abc(void **state)
{
	(void)state;
	check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_fips_empty(void **state)
{
	(void)state;
	check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_fips_448_bits(void **state)
{
	(void)state;
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_int_equal(strlen(m) * 8, 448);
	check_hex(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_fips_896_bits(void **state)
{
	(void)state;
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	                "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	assert_int_equal(strlen(m) * 8, 896);
	check_hex(m, strlen(m), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_fips_million_a(void **state)
{
	(void)state;
	/* Fed in uneven pieces, so the partial-block path is exercised. */
	char chunk[997];
	memset(chunk, 'a', sizeof chunk);
	struct sha256 c;
	sha256_init(&c);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof chunk ? left : sizeof chunk;
		sha256_update(&c, chunk, n);
		left -= n;
	}
	unsigned char d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];
	sha256_final(&c, d);
	sha256_to_hex(d, hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths 0..130 (padding falls in one or two blocks around 55/56/64)
 * compared with sha256sum, hashed whole and byte by byte. */
static void test_against_sha256sum(void **state)
{
	(void)state;
	if (!tu_have("sha256sum"))
		skip();
	char *dir = tu_mkdtemp("sha");
	char *path = xasprintf("%s/data", dir);
	unsigned char buf[131];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= 130; n++) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(buf, 1, n, f), n);
		fclose(f);
		char *out = NULL;
		assert_int_equal(tu_sh(&out, "sha256sum '%s'", path), 0);
		char hex[SHA256_HEX_LEN + 1];
		sha256_hex(buf, n, hex);
		assert_memory_equal(out, hex, SHA256_HEX_LEN);
		struct sha256 c;
		sha256_init(&c);
		for (size_t i = 0; i < n; i++)
			sha256_update(&c, buf + i, 1);
		unsigned char d[SHA256_LEN];
		char hex2[SHA256_HEX_LEN + 1];
		sha256_final(&c, d);
		sha256_to_hex(d, hex2);
		assert_string_equal(hex, hex2);
		free(out);
	}
	free(path);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_abc),       cmocka_unit_test(test_fips_empty),
		cmocka_unit_test(test_fips_448_bits),  cmocka_unit_test(test_fips_896_bits),
		cmocka_unit_test(test_fips_million_a), cmocka_unit_test(test_against_sha256sum),
	};
	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
