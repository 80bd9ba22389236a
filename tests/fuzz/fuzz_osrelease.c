/* fuzz_osrelease.c: the release-file parsers (os-release with its shell
 * quoting, /etc/redhat-release, /etc/SuSE-release), the kernel version
 * comparison, and os_detect/os_kernel_version reading the bytes from an
 * examined root: as /etc/os-release and /etc/redhat-release (so a short
 * VERSION_ID is completed from the second), or as /etc/SuSE-release, and
 * as /proc/sys/kernel/osrelease. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/osrelease.h"
#include "engine/target/target.h"

FUZZ_DECLARE(osrelease);

/* Parses with every in-memory parser. */
static void parse_all(const char *text)
{
	struct os_release o;
	int n = osrelease_parse(text, &o);
	if (n < 0)
		fuzz_fail("osrelease_parse returned %d", n);
	os_release_free(&o);
	memset(&o, 0, sizeof o);
	osrelease_parse_redhat(text, &o);
	os_release_free(&o);
	memset(&o, 0, sizeof o);
	osrelease_parse_suse(text, &o);
	os_release_free(&o);
	char *cause = NULL;
	char *v = osrelease_unquote(text, strlen(text), &cause);
	if (!v && (!cause || !*cause))
		fuzz_fail("osrelease_unquote failed without saying why");
	free(v);
	free(cause);
}

/* Detects the system of a root holding the bytes at the given paths. */
static void detect(const uint8_t *data, size_t size, const char *const *paths, size_t n)
{
	char root[4200];
	snprintf(root, sizeof root, "%s/os-root", fuzz_tmpdir());
	for (size_t i = 0; i < n; i++)
		fuzz_write(root, paths[i], data, size);
	char *cause = NULL;
	struct target *t = target_root_new(root, &cause);
	if (!t)
		fuzz_fail("target_root_new: %s", cause);
	struct os_release o;
	struct os_source src = { 0 };
	os_detect(t, &o, &src);
	os_release_free(&o);
	free(src.refined);
	const char *from = NULL;
	free(os_kernel_version(t, &from));
	target_free(t);
	fuzz_rmtree(root);
}

int FUZZ_ENTRY(osrelease)(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	parse_all(text);
	/* The first two lines as kernel versions. */
	char *second = strchr(text, '\n');
	if (second) {
		*second++ = '\0';
		os_version_cmp(text, second);
	}
	free(text);
	static const char *const redhat[] = { "/etc/os-release", "/etc/redhat-release",
					      "/proc/sys/kernel/osrelease" };
	static const char *const suse[] = { "/etc/SuSE-release", "/lib/modules/.keep" };
	if (size & 1)
		detect(data, size, suse, 2);
	else
		detect(data, size, redhat, 3);
	return 0;
}
