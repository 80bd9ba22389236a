/* test_ssh_root.c: a mounted root on a machine reached over SSH
 * (--target HOST --root DIR), against a real sshd on 127.0.0.1: the
 * "remote" rescue machine is this one, the broken disk a copy of the demo
 * sandbox (a debootstrap-like tree) in a temporary folder. Every check
 * judges the tree as a local --root judges it (the same verdicts, the
 * live-only checks not applicable); the title names the host and the
 * folder; a fix is written under DIR with its journal under DIR and
 * undone from there; links on the disk never reach outside it (an
 * absolute link, a relative one climbing out, a linked journal folder).
 * Block devices over SSH come from the machine's own lsblk and blkid: an
 * ext4 image on a loop device (attached and detached by the suite) is
 * what a live machine's grub root=/dev/loopN and a remote root mounted
 * from it are tied to. Needs sshd, /run/sshd, losetup, mkfs.ext4 and
 * root: fails, never skips, without them. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/target/target_ssh.h"
#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/testutil.h"

static struct test_sshd d;
static char *base; /* the suite's folder: roots and files "outside" them */
static char *home; /* HOME of the binary's runs */
static char *loopdev; /* the loop device of the suite's ext4 image, or NULL */

/* The UUID of the suite's ext4 image. */
#define LOOP_UUID "5d1c9a0e-3b7f-4e2a-9c61-0f4b8a2d7e19"

/* A fresh copy of the demo sandbox under base; caller frees. */
static char *new_root(const char *tag)
{
	char *r = xasprintf("%s/%s", base, tag);
	assert_int_equal(tu_sh(NULL, "rm -rf '%s' && cp -a content/demo '%s'", r, r), 0);
	return r;
}

/* Runs the binary on the root dir over SSH; returns its exit status. */
static int run_remote(char **out, const char *dir, const char *args)
{
	return tu_sh(out,
		     "env -u SSH_AUTH_SOCK HOME='%s' '%s' --lang en --target root@127.0.0.1:%d "
		     "-i '%s' --accept-new-host-key --root '%s' %s 2>&1 </dev/null",
		     home, tu_binary(), d.port, d.user_key, dir, args);
}

/* The same on this machine's --root. */
static int run_local(char **out, const char *dir, const char *args)
{
	return tu_sh(out, "HOME='%s' '%s' --lang en --root '%s' %s 2>/dev/null </dev/null", home,
		     tu_binary(), dir, args);
}

/* A connection to the test's sshd as root. */
static struct target *login(void)
{
	return sshd_login(&d, "root", 30000);
}

/* The check of id in a check --json output, or NULL. */
static const cJSON *find_check(const cJSON *doc, const char *id)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "results"))
	{
		const cJSON *i = cJSON_GetObjectItemCaseSensitive(c, "check");
		if (cJSON_IsString(i) && strcmp(i->valuestring, id) == 0)
			return c;
	}
	return NULL;
}

static const char *status_of(const cJSON *c)
{
	const cJSON *s = c ? cJSON_GetObjectItemCaseSensitive(c, "status") : NULL;
	return cJSON_IsString(s) ? s->valuestring : "?";
}

/* Every check gives over SSH the verdict it gives on this machine's
 * --root of the same folder; the report names the kind and both places. */
static void test_check_matches_local_root(void **state)
{
	(void)state;
	char *root = new_root("check");
	char *rout = NULL, *lout = NULL;
	int rrc = run_remote(&rout, root, "check --json");
	int lrc = run_local(&lout, root, "check --json");
	assert_int_equal(rrc, lrc);
	/* The remote run's stderr is in rout: the JSON starts at '{'. */
	const char *brace = strchr(rout, '{');
	assert_non_null(brace);
	cJSON *r = cJSON_Parse(brace);
	cJSON *l = cJSON_Parse(lout);
	if (!r || !l)
		fail_msg("not JSON:\n%s", rout);
	const cJSON *tg = cJSON_GetObjectItemCaseSensitive(r, "target");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(tg, "kind")->valuestring, "ssh-root");
	char *loc = xasprintf("root@127.0.0.1:%d%s", d.port, root);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(tg, "root")->valuestring, loc);
	free(loc);
	size_t n = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(l, "results"))
	{
		const char *id = cJSON_GetObjectItemCaseSensitive(c, "check")->valuestring;
		const char *want = status_of(c);
		const char *got = status_of(find_check(r, id));
		if (strcmp(want, got) != 0)
			fail_msg("%s: %s over SSH, %s on the local --root", id, got, want);
		n++;
	}
	assert_true(n > 10);
	/* The demo's sshd refuses root's password, read from the disk. */
	assert_string_equal(status_of(find_check(r, "sshd.password")), "fail");
	cJSON_Delete(r);
	cJSON_Delete(l);
	free(rout);
	free(lout);

	/* The title line names the machine and the folder there. */
	char *out = NULL;
	run_remote(&out, root, "check sshd.password");
	char *title = xasprintf("Target: mounted root %s on root@127.0.0.1:%d", root, d.port);
	if (!strstr(out, title))
		fail_msg("no '%s' in:\n%s", title, out);
	free(title);
	free(out);
	free(root);
}

/* The sshd fix is written under DIR, its journal kept under DIR, and
 * undone over SSH: the bytes come back. */
static void test_fix_and_undo_under_root(void **state)
{
	(void)state;
	char *root = new_root("fix");
	char *conf = xasprintf("%s/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", root);
	char *before = tu_read_file(conf, NULL);
	assert_non_null(before);
	char *out = NULL;
	int rc = run_remote(&out, root, "fix 95108 --yes");
	if (rc != 0)
		fail_msg("fix over SSH on the root exited %d:\n%s", rc, out);
	free(out);
	char *after = tu_read_file(conf, NULL);
	assert_non_null(after);
	assert_string_not_equal(after, before);
	free(after);
	/* The journal is the root's, under its /var/lib, and names the kind. */
	char *jl = xasprintf("%s/var/lib/asr-doctor/journal/journal.jsonl", root);
	char *journal = tu_read_file(jl, NULL);
	assert_non_null(journal);
	assert_non_null(strstr(journal, "\"ssh-root\""));
	free(journal);
	/* Checked again over SSH: the fix holds. */
	run_remote(&out, root, "check sshd.password");
	assert_non_null(strstr(out, "pass"));
	free(out);
	/* history and undo find it there. */
	assert_int_equal(run_remote(&out, root, "history"), 0);
	assert_non_null(strstr(out, "1"));
	free(out);
	rc = run_remote(&out, root, "undo --yes");
	if (rc != 0)
		fail_msg("undo over SSH on the root exited %d:\n%s", rc, out);
	free(out);
	after = tu_read_file(conf, NULL);
	assert_string_equal(after, before);
	free(after);
	free(jl);
	free(before);
	free(conf);
	free(root);
}

/* Links on the disk are resolved inside it: an absolute link and one
 * that climbs out with ".." read the root's own files (or nothing), never
 * this machine's; a fix through them writes inside the root; a journal
 * folder linked out of the root is refused. */
static void test_hostile_links_stay_inside(void **state)
{
	(void)state;
	char *root = new_root("hostile");
	char *outside = xasprintf("%s/outside", base);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s'", outside), 0);
	char *secret = xasprintf("%s/secret.conf", outside);
	tu_write_file(secret, "PasswordAuthentication yes\nPermitRootLogin yes\n# OUTSIDE-MARK\n");

	/* Engine level: both links read through the target. */
	char *abs = xasprintf("%s/etc/abs-link", root);
	char *rel = xasprintf("%s/etc/rel-link", root);
	assert_int_equal(symlink(secret, abs), 0);
	char *climb = xasprintf("../../../../../../../../../../..%s", secret);
	assert_int_equal(symlink(climb, rel), 0);
	char *cause = NULL;
	struct target *t = target_ssh_root_new(login(), root, &cause);
	if (!t)
		fail_msg("%s", cause);
	assert_false(t->can_run);
	assert_false(t->live);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(target_read(t, "/etc/abs-link", &data, &len), -ENOENT);
	assert_int_equal(target_read(t, "/etc/rel-link", &data, &len), -ENOENT);
	/* The same file placed inside the root is what the links find. */
	char *inner_dir = xasprintf("%s%s", root, outside);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' && echo INSIDE > '%s/secret.conf'", inner_dir,
			       inner_dir),
			 0);
	assert_int_equal(target_read(t, "/etc/rel-link", &data, &len), 0);
	assert_string_equal(data, "INSIDE\n");
	free(data);
	char *real = NULL;
	assert_int_equal(target_realpath(t, "/etc/abs-link", &real), 0);
	char *want = xasprintf("%s/secret.conf", outside);
	assert_string_equal(real, want);
	free(want);
	free(real);
	/* Commands from the disk are never run, over there either. */
	struct cmd_result r;
	const char *argv[] = { "/bin/sh", "-c", "true", NULL };
	assert_int_equal(target_run(t, argv, 5000, &r), -ENOTSUP);
	target_free(t);
	tu_sh(NULL, "rm -rf '%s'", inner_dir);
	free(inner_dir);

	/* The drop-in the fix edits is a link out of the disk: the check
	 * does not read this machine's file, the fix leaves it alone. */
	char *dropin = xasprintf("%s/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", root);
	assert_int_equal(unlink(dropin), 0);
	assert_int_equal(symlink(climb, dropin), 0);
	char *out = NULL;
	run_remote(&out, root, "check -v sshd.password");
	if (strstr(out, "OUTSIDE-MARK") || strstr(out, "PasswordAuthentication yes"))
		fail_msg("the check read a file outside the root:\n%s", out);
	free(out);
	run_remote(&out, root, "fix 95108 --yes");
	free(out);
	char *still = tu_read_file(secret, NULL);
	assert_string_equal(still,
			    "PasswordAuthentication yes\nPermitRootLogin yes\n# OUTSIDE-MARK\n");
	free(still);

	/* A journal folder linked out of the root is refused. */
	char *root2 = new_root("hostile-journal");
	char *jout = xasprintf("%s/journal-out", base);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' '%s/var/lib' && ln -s '%s' '%s/var/lib/asr-doctor'",
			       jout, root2, jout, root2),
			 0);
	int rc = run_remote(&out, root2, "fix 95108 --yes");
	assert_int_not_equal(rc, 0);
	if (!strstr(out, "symbolic link"))
		fail_msg("a linked journal folder was not refused:\n%s", out);
	free(out);
	assert_int_equal(tu_sh(&out, "ls -A '%s' | wc -l", jout), 0);
	assert_int_equal(atoi(out), 0);
	free(out);
	char *conf2 = xasprintf("%s/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", root2);
	char *now = tu_read_file(conf2, NULL);
	assert_non_null(strstr(now, "PasswordAuthentication no"));
	free(now);
	free(conf2);
	free(jout);
	free(root2);
	free(dropin);
	free(climb);
	free(abs);
	free(rel);
	free(secret);
	free(outside);
	free(root);
}

/* --root with --target takes a folder of that machine: an absolute path,
 * a folder; a missing one is said so. */
static void test_root_must_be_a_remote_folder(void **state)
{
	(void)state;
	char *out = NULL;
	char *missing = xasprintf("%s/no-such-root", base);
	assert_int_equal(run_remote(&out, missing, "check"), 2);
	assert_non_null(strstr(out, "--root"));
	assert_non_null(strstr(out, "No such file"));
	free(out);
	free(missing);
	assert_int_equal(run_remote(&out, "relative/dir", "check"), 2);
	assert_non_null(strstr(out, "absolute"));
	free(out);
}

/* On a live machine over SSH, grub's root= naming one of the machine's
 * disks by its kernel name gets what the machine's own blkid reads there
 * (this machine cannot open it: no host path), said to come from there:
 * its UUID, or that it holds none. The oracle is blkid run here, on the
 * same machine. */
static void test_live_device_from_remote_blkid(void **state)
{
	(void)state;
	char *disk = NULL;
	tu_sh(&disk, "lsblk -dn -p -o NAME,TYPE | awk '$2 == \"disk\" && $1 ~ "
		     "/^\\/dev\\/(sd|vd|xvd|hd)[a-z]+$|^\\/dev\\/nvme[0-9]+n[0-9]+$/ "
		     "{ print $1; exit }'");
	str_trim(disk);
	if (!*disk)
		fail_msg("no disk with a kernel name (sdX, vdX, nvmeXnY) on this machine");
	char *uuid = NULL;
	tu_sh(&uuid, "blkid -c /dev/null -o value -s UUID '%s'", disk);
	str_trim(uuid);
	char *boot = xasprintf("%s/boot", base);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/grub'", boot), 0);
	char *cfg = xasprintf("%s/grub/grub.cfg", boot);
	char *text = xasprintf("menuentry 'x' {\n\tlinux /vmlinuz root=%s ro quiet\n}\n", disk);
	tu_write_file(cfg, text);
	const char *binds[] = { boot, "/boot", NULL };
	struct test_sshd b = sshd_start_binds(NULL, binds);
	char *out = NULL;
	tu_sh(&out,
	      "env -u SSH_AUTH_SOCK HOME='%s' COLUMNS=1000 '%s' --lang en --target "
	      "root@127.0.0.1:%d -i '%s' --accept-new-host-key check -v grub.device_names "
	      "2>&1 </dev/null",
	      home, tu_binary(), b.port, b.user_key);
	int port = b.port;
	sshd_stop(&b);
	char *want = *uuid ? xasprintf("root=%s -> root=UUID=%s", disk, uuid)
			   : xasprintf("lsblk and blkid on root@127.0.0.1:%d find no filesystem", port);
	char *want2 = *uuid ? xasprintf("lsblk and blkid on root@127.0.0.1:%d: %s", port, disk)
			    : xasprintf("no filesystem or swap on %s", disk);
	if (!strstr(out, want) || !strstr(out, want2))
		fail_msg("no '%s' and '%s' from the machine's lsblk and blkid in:\n%s", want, want2,
			 out);
	free(want);
	free(want2);
	free(out);
	free(text);
	free(cfg);
	free(boot);
	free(uuid);
	free(disk);
}

/* s with every run of spaces and line ends made one space; caller frees. */
static char *one_line(const char *s)
{
	char *o = xstrdup(s), *w = o;
	for (const char *c = s; *c; c++) {
		bool sp = *c == ' ' || *c == '\n';
		if (!sp || (w > o && w[-1] != ' '))
			*w++ = sp ? ' ' : *c;
	}
	*w = '\0';
	return o;
}

/* A root mounted on the remote machine from the loop device: the device
 * its fstab mounts on / (and grub's root=) gets the UUID that machine's
 * blkid reads on the device its mount table names, as a local --root gets
 * it from libblkid. */
static void test_remote_root_identity_from_remote_blkid(void **state)
{
	(void)state;
	char *root = xasprintf("%s/mounted", base);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' && mount '%s' '%s' && cp -a content/demo/. '%s'",
			       root, loopdev, root, root),
			 0);
	char *fstab = xasprintf("%s/etc/fstab", root);
	tu_write_file(fstab, "/dev/sda2 / ext4 defaults 1 1\n");
	char *rout = NULL, *lout = NULL;
	run_remote(&rout, root, "check -v grub.device_names");
	run_local(&lout, root, "check -v grub.device_names");
	tu_sh(NULL, "umount '%s'", root);
	const char *want = "root=/dev/sda2 -> root=UUID=" LOOP_UUID " (ext4";
	if (!strstr(lout, want))
		fail_msg("the local --root does not find the UUID either:\n%s", lout);
	if (!strstr(rout, want) || !strstr(rout, "lsblk and blkid on root@127.0.0.1"))
		fail_msg("no '%s' from the remote machine's blkid in:\n%s", want, rout);
	/* The evidence names the machine that mounts the device, never this one
	 * or its libblkid (the text wrapped: spaces and line ends made one). */
	char *r1 = one_line(rout), *l1 = one_line(lout);
	if (!strstr(r1, "which the machine that holds the root mounts at ") ||
	    strstr(r1, "this machine") || strstr(r1, "libblkid"))
		fail_msg("the evidence speaks of this machine:\n%s", rout);
	if (!strstr(l1, "libblkid probe of ") || !strstr(l1, "which this machine mounts at "))
		fail_msg("the local evidence:\n%s", lout);
	free(r1);
	free(l1);
	free(rout);
	free(lout);
	free(fstab);
	free(root);
}

static int setup(void **state)
{
	(void)state;
	d = sshd_start(NULL);
	base = tu_mkdtemp("sshroot");
	home = xasprintf("%s/home", base);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts'", home,
			       d.known_hosts, home),
			 0);
	char *img = xasprintf("%s/disk.img", base);
	char *out = NULL;
	if (tu_sh(&out, "truncate -s 16M '%s' && mkfs.ext4 -q -U " LOOP_UUID " '%s' && "
			"losetup -f --show '%s'",
		  img, img, img) != 0)
		fail_msg("cannot attach an ext4 image to a loop device: %s", out ? out : "");
	loopdev = xstrdup(str_trim(out));
	free(out);
	free(img);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sshd_stop(&d);
	if (loopdev)
		tu_sh(NULL, "losetup -d '%s'", loopdev);
	free(loopdev);
	tu_rmtree(base);
	free(base);
	free(home);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_matches_local_root),
		cmocka_unit_test(test_fix_and_undo_under_root),
		cmocka_unit_test(test_hostile_links_stay_inside),
		cmocka_unit_test(test_root_must_be_a_remote_folder),
		cmocka_unit_test(test_live_device_from_remote_blkid),
		cmocka_unit_test(test_remote_root_identity_from_remote_blkid),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
