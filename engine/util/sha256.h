/* sha256.h: SHA-256 (FIPS 180-4), for the journal's record of what a file
 * held before and after a change, so undo can tell whether it changed. */
#ifndef ASR_SHA256_H
#define ASR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;          /* message length so far */
	unsigned char block[64]; /* the partial block */
	size_t fill;             /* bytes in block */
};

/* Starts a new hash. */
void sha256_init(struct sha256 *c);
/* Adds n bytes of data (any length, any number of calls). */
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Pads, writes the 32-byte digest to out; c must be initialised again
 * before reuse. */
void sha256_final(struct sha256 *c, unsigned char out[SHA256_LEN]);
/* The digest of one buffer as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1]);
/* Formats a digest as lowercase hex (out holds 65 bytes). */
void sha256_to_hex(const unsigned char d[SHA256_LEN], char out[SHA256_HEX_LEN + 1]);

#endif
