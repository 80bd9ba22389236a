/* test_facts.c: machine facts read through a target (fixture roots with a
 * host name, os-release, kernels under /lib/modules, a sysfs tree of disks
 * and an fstab), "unknown" for whatever is missing, and the JSON form of
 * the facts read back. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "engine/target/target.h"

#define MACHINE "tests/fixtures/report/machine"

static struct target *root_target(const char *dir)
{
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	if (!t)
		print_error("%s\n", cause);
	free(cause);
	assert_non_null(t);
	return t;
}

static void test_fixture_host_os_kernel(void **state)
{
	(void)state;
	struct target *t = root_target(MACHINE);
	struct facts f;
	facts_gather(t, &f);
	assert_string_equal(f.hostname, "fixture-web01");
	assert_string_equal(f.hostname_from, "/etc/hostname");
	assert_string_equal(f.os, "Ubuntu 22.04.4 LTS");
	assert_string_equal(f.os_id, "ubuntu");
	assert_string_equal(f.os_version, "22.04");
	assert_string_equal(f.os_from, "/etc/os-release");
	/* Two kernels installed: the newest by version, not by name order. */
	assert_string_equal(f.kernel, "5.15.0-105-generic");
	assert_string_equal(f.kernel_from, "/lib/modules");
	facts_free(&f);
	target_free(t);
}

static void test_fixture_two_disks(void **state)
{
	(void)state;
	struct target *t = root_target(MACHINE);
	struct facts f;
	facts_gather(t, &f);
	/* loop0 is virtual and sdb (an empty card reader) has size 0. */
	assert_int_equal(f.ndisks, 2);
	assert_string_equal(f.disks_from, "/sys/block");
	assert_string_equal(f.disks[0].name, "nvme0n1");
	assert_true(f.disks[0].size == 1000215216LL * 512);
	assert_string_equal(f.disks[0].model, "Samsung SSD 980 PRO 500GB");
	assert_int_equal(f.disks[0].removable, 1);
	assert_string_equal(f.disks[1].name, "sda");
	assert_true(f.disks[1].size == 134217728LL * 512);
	/* Trailing blanks of the sysfs attribute are trimmed. */
	assert_string_equal(f.disks[1].model, "Virtual Disk");
	assert_int_equal(f.disks[1].removable, 0);
	facts_free(&f);
	target_free(t);
}

static void test_fixture_mounts_from_fstab(void **state)
{
	(void)state;
	struct target *t = root_target(MACHINE);
	struct facts f;
	facts_gather(t, &f);
	assert_string_equal(f.mounts_from, "/etc/fstab");
	/* proc and tmpfs are left out; swap stays. */
	assert_int_equal(f.nmounts, 3);
	assert_string_equal(f.mounts[0].dir, "/");
	assert_string_equal(f.mounts[0].source, "UUID=0a3407de-014b-458b-b5c1-848e92a327a3");
	assert_string_equal(f.mounts[0].fstype, "ext4");
	assert_string_equal(f.mounts[1].dir, "/boot");
	assert_string_equal(f.mounts[2].fstype, "swap");
	assert_string_equal(f.mounts[2].source, "/dev/nvme0n1p1");
	facts_free(&f);
	target_free(t);
}

static void test_empty_root_is_unknown(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("facts-empty");
	struct target *t = root_target(dir);
	struct facts f;
	facts_gather(t, &f);
	assert_string_equal(f.hostname, FACTS_UNKNOWN);
	assert_string_equal(f.hostname_from, FACTS_UNKNOWN);
	assert_string_equal(f.os, FACTS_UNKNOWN);
	assert_string_equal(f.os_id, FACTS_UNKNOWN);
	assert_string_equal(f.kernel, FACTS_UNKNOWN);
	assert_string_equal(f.kernel_from, FACTS_UNKNOWN);
	assert_int_equal(f.ndisks, 0);
	assert_string_equal(f.disks_from, FACTS_UNKNOWN);
	assert_int_equal(f.nmounts, 0);
	assert_string_equal(f.mounts_from, FACTS_UNKNOWN);
	facts_free(&f);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

static void test_proc_hostname_and_escape_characters(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("facts-proc");
	char *p = NULL;
	p = xasprintf("%s/proc/sys/kernel/hostname", dir);
	/* An escape sequence in a host name must not reach a terminal. */
	tu_write_file(p, "evil\x1b[2Jhost\n");
	free(p);
	p = xasprintf("%s/proc/sys/kernel/osrelease", dir);
	tu_write_file(p, "6.1.0-18-amd64\n");
	free(p);
	p = xasprintf("%s/sys/block/vda/size", dir);
	tu_write_file(p, "not a number\n");
	free(p);
	struct target *t = root_target(dir);
	struct facts f;
	facts_gather(t, &f);
	assert_string_equal(f.hostname, "evil?[2Jhost");
	assert_string_equal(f.hostname_from, "/proc/sys/kernel/hostname");
	assert_string_equal(f.kernel, "6.1.0-18-amd64");
	assert_string_equal(f.kernel_from, "/proc/sys/kernel/osrelease");
	assert_int_equal(f.ndisks, 1);
	assert_true(f.disks[0].size == -1);
	assert_int_equal(f.disks[0].removable, -1);
	assert_string_equal(f.disks[0].model, FACTS_UNKNOWN);
	facts_free(&f);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

static void test_json_round_trip(void **state)
{
	(void)state;
	struct target *t = root_target(MACHINE);
	struct facts f, back;
	facts_gather(t, &f);
	cJSON *j = facts_to_json(&f);
	char *text = cJSON_Print(j);
	cJSON_Delete(j);
	cJSON *parsed = cJSON_Parse(text);
	char *cause = NULL;
	assert_int_equal(facts_from_json(parsed, &back, &cause), 0);
	assert_null(cause);
	assert_string_equal(back.hostname, f.hostname);
	assert_string_equal(back.os, f.os);
	assert_string_equal(back.os_version, f.os_version);
	assert_string_equal(back.kernel, f.kernel);
	assert_string_equal(back.kernel_from, f.kernel_from);
	assert_int_equal(back.ndisks, f.ndisks);
	for (size_t i = 0; i < f.ndisks; i++) {
		assert_string_equal(back.disks[i].name, f.disks[i].name);
		assert_true(back.disks[i].size == f.disks[i].size);
		assert_string_equal(back.disks[i].model, f.disks[i].model);
		assert_int_equal(back.disks[i].removable, f.disks[i].removable);
	}
	assert_int_equal(back.nmounts, f.nmounts);
	for (size_t i = 0; i < f.nmounts; i++) {
		assert_string_equal(back.mounts[i].source, f.mounts[i].source);
		assert_string_equal(back.mounts[i].dir, f.mounts[i].dir);
		assert_string_equal(back.mounts[i].fstype, f.mounts[i].fstype);
	}
	cJSON_Delete(parsed);
	cJSON_free(text);
	facts_free(&back);
	facts_free(&f);
	target_free(t);
}

/* facts_from_json on text; returns the cause (caller frees) or NULL. */
static char *from_text(const char *json)
{
	cJSON *o = cJSON_Parse(json);
	assert_non_null(o);
	struct facts f;
	char *cause = NULL;
	int rc = facts_from_json(o, &f, &cause);
	cJSON_Delete(o);
	if (rc == 0) {
		facts_free(&f);
		return NULL;
	}
	assert_int_equal(rc, -EINVAL);
	assert_non_null(cause);
	return cause;
}

static void test_json_wrong_types_named(void **state)
{
	(void)state;
	char *c = from_text("{\"host\": {\"name\": 42}}");
	assert_string_equal(c, "facts.host.name: expected a string");
	free(c);
	c = from_text("{\"disks\": {\"list\": [{\"name\": \"sda\"}, {\"name\": \"sdb\", \"size_bytes\": \"big\"}]}}");
	assert_string_equal(c, "facts.disks.list[1].size_bytes: expected a number of bytes or null");
	free(c);
	c = from_text("{\"mounts\": {\"list\": {}}}");
	assert_string_equal(c, "facts.mounts.list: expected an array");
	free(c);
	c = from_text("{\"os\": []}");
	assert_string_equal(c, "facts.os: expected an object");
	free(c);
	/* Missing members are unknown, not errors. */
	assert_null(from_text("{}"));
}

static void test_size_text(void **state)
{
	(void)state;
	char *s = facts_size_text(-1);
	assert_string_equal(s, "unknown");
	free(s);
	s = facts_size_text(512);
	assert_string_equal(s, "512 B");
	free(s);
	s = facts_size_text(134217728LL * 512);
	assert_string_equal(s, "64.0 GiB");
	free(s);
	s = facts_size_text(1000215216LL * 512);
	assert_string_equal(s, "476.9 GiB");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_host_os_kernel),
		cmocka_unit_test(test_fixture_two_disks),
		cmocka_unit_test(test_fixture_mounts_from_fstab),
		cmocka_unit_test(test_empty_root_is_unknown),
		cmocka_unit_test(test_proc_hostname_and_escape_characters),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_wrong_types_named),
		cmocka_unit_test(test_size_text),
	};
	return cmocka_run_group_tests_name("facts", tests, NULL, NULL);
}
