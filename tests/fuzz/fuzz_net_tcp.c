/* fuzz_net_tcp.c: the sshd service check's /proc/net/tcp reader (static
 * inside check_sshd.c), run as the check itself (sshd.service) on an
 * examined root whose /proc/net/tcp holds the input before a "%% tcp6"
 * line and /proc/net/tcp6 the rest (or the same bytes when there is no
 * such line). */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/check.h"
#include "engine/target/target.h"

FUZZ_DECLARE(net_tcp);

int FUZZ_ENTRY(net_tcp)(const uint8_t *data, size_t size)
{
	static struct target *t;
	static const struct check_def *c;
	char root[4200];
	snprintf(root, sizeof root, "%s/tcp-root", fuzz_tmpdir());
	struct fuzz_part p[2];
	size_t np = fuzz_split(data, size, p, 2);
	fuzz_write(root, "/proc/net/tcp", p[0].data, p[0].size);
	fuzz_write(root, "/proc/net/tcp6", p[np - 1].data, p[np - 1].size);
	if (!t) {
		char *cause = NULL;
		if (!(t = target_root_new(root, &cause)))
			fuzz_fail("target_root_new: %s", cause);
		if (!(c = check_find("sshd.service")))
			fuzz_fail("no check sshd.service");
	}
	struct check_ctx ctx = { .t = t, .timeout_ms = 1000 };
	struct check_result r;
	check_run_one(c, &ctx, &r);
	if (r.status == STATUS_NONE || !r.finding)
		fuzz_fail("sshd.service gave no status or finding");
	result_free(&r);
	return 0;
}
