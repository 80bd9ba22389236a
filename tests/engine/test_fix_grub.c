/* test_fix_grub.c: the 95320 fixes (grub.use_uuid, fstab.use_uuid) end to
 * end on fixture roots copied into temporary folders. The UUIDs come from
 * real filesystem images (mkfs.ext4 -U) outside the root that a recorded
 * host mount table (ASR_DOCTOR_MOUNTINFO) says are mounted at the root and
 * below, while ROOT/dev holds decoys under the same names (the rescue
 * machine's disks: mkfs.ext4 / mkswap with other UUIDs) that must never be
 * used: the plan,
 * the exact bytes of every edited file against the expected fixture files,
 * apply_plan, the check passing afterwards, and undo bringing back the
 * original bytes and modes. SLES 12 grub2 (the article's line), SLES 11
 * menu.lst and fstab, RHEL 9 BLS with grubenv (its 1024-byte block kept),
 * /etc/default/grub with GRUB_DISABLE_LINUX_UUID=true, a CRLF file, a device
 * name split by shell quoting, UUIDs that are not known, the regenerate
 * command for each layout, and the demo root (UUIDs from its fstab). */
#include "support/testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/check.h"
#include "engine/content.h"
#include "engine/fix.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/util/util.h"
#include "engine/undo.h"

#define FIX "tests/fixtures/fix_grub/"
#define ROOT_UUID "3b6f0c2e-9d41-4f7a-8e25-1c9a7d4b6e08"
#define SWAP_UUID "a7d2e915-4c3b-4e6f-9a10-5b8c2d7e3f41"
#define DATA_UUID "5e0c9b7a-2f14-4d83-b6a9-0c7e1f3d2a95"
#define DECOY_UUID "d3c0d3c0-0000-4000-8000-000000000001"
#define DEMO_ROOT_UUID "62927e85-f7ba-40bc-9993-cc1feeb191e4"
#define DEMO_SWAP_UUID "6f614b44-433b-431b-9ca1-4dd2f6f74f6b"
#define BLS_ENTRY                                                                                  \
	"/boot/loader/entries/3f9a7c1e5b2d4e6f8a0b1c2d3e4f5a6b-5.14.0-362.8.1.el9_3.x86_64.conf"
#define SLES12_LINE                                                                                \
	"linux /boot/vmlinuz-3.12.49-11-default root=/dev/sda2  ${extra_cmdline} "                 \
	"resume=/dev/sda1 "                                                                        \
	"splash=silent quiet showopts"
#define SLES12_FIXED                                                                               \
	"linux /boot/vmlinuz-3.12.49-11-default root=UUID=" ROOT_UUID                              \
	"  ${extra_cmdline} resume=UUID=" SWAP_UUID " splash=silent quiet showopts"

/* ---- a sandbox root ---- */

struct box {
	char *dir; /* the temporary folder: the root */
	char *host; /* a temporary folder outside it: images and the mount table */
	char *mountinfo; /* the recorded host mount table in host */
	struct target *t;
	struct fix_ctx ctx;
};

/* A temporary root holding a copy of fixture case fcase (NULL: empty). */
static void box_open(struct box *b, const char *fcase)
{
	memset(b, 0, sizeof *b);
	b->dir = tu_mkdtemp("fixgrub");
	b->host = tu_mkdtemp("fixgrub-host");
	b->mountinfo = xasprintf("%s/mountinfo", b->host);
	tu_write_file(b->mountinfo, "23 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
	assert_int_equal(setenv("ASR_DOCTOR_MOUNTINFO", b->mountinfo, 1), 0);
	if (fcase)
		assert_int_equal(tu_sh(NULL, "cp -a " FIX "%s/root/. '%s/'", fcase, b->dir), 0);
	char *cause = NULL;
	b->t = target_root_new(b->dir, &cause);
	if (!b->t)
		print_error("%s\n", cause);
	assert_non_null(b->t);
	b->ctx.t = b->t;
	b->ctx.timeout_ms = 20000;
}

/* Frees the target and removes the root. */
static void box_close(struct box *b)
{
	target_free(b->t);
	tu_rmtree(b->dir);
	free(b->dir);
	unsetenv("ASR_DOCTOR_MOUNTINFO");
	if (b->host)
		tu_rmtree(b->host);
	free(b->host);
	free(b->mountinfo);
}

/* The examined machine's device NAME: a decoy under ROOT/dev/NAME (the
 * rescue machine's disk of that name, as a bind-mounted /dev shows it:
 * ext4 or swap with DECOY_UUID), and, for an ext4 mounted at dir, a real
 * image with uuid outside the root that the recorded host mount table
 * mounts at ROOT/dir. A swap area is never mounted: its UUID can only come
 * from the root's fstab. */
static void image(const struct box *b, const char *name, const char *kind, const char *uuid,
		  const char *dir)
{
	int rc;
	if (strcmp(kind, "swap") == 0)
		rc = tu_sh(NULL,
			   "mkdir -p '%s/dev' && truncate -s 16M '%s/dev/%s' && "
			   "mkswap -U " DECOY_UUID " '%s/dev/%s' >/dev/null 2>&1",
			   b->dir, b->dir, name, b->dir, name);
	else
		rc = tu_sh(NULL,
			   "mkdir -p '%s/dev' && truncate -s 32M '%s/dev/%s' && "
			   "mkfs.ext4 -q -F -U " DECOY_UUID " '%s/dev/%s' >/dev/null 2>&1 && "
			   "truncate -s 32M '%s/%s' && mkfs.ext4 -q -F -U %s '%s/%s' >/dev/null 2>&1 && "
			   "printf '97 23 8:34 / %s%s rw,relatime - ext4 %s/%s rw\\n' >> '%s'",
			   b->dir, b->dir, name, b->dir, name, b->host, name, uuid, b->host, name,
			   b->dir, strcmp(dir, "/") ? dir : "", b->host, name, b->mountinfo);
	assert_int_equal(rc, 0);
}

/* The article's SLES 12 machine: its root filesystem mounted here (and a
 * decoy under ROOT/dev/sda2), its swap known only from its fstab. */
static void box_sles12(struct box *b)
{
	box_open(b, "sles12");
	image(b, "sda2", "ext4", ROOT_UUID, "/");
	image(b, "sda1", "swap", SWAP_UUID, NULL);
}

/* Writes a file of the root (folders made as needed). */
static void put(const struct box *b, const char *rel, const char *data)
{
	char *h = xasprintf("%s%s", b->dir, rel);
	tu_write_file(h, data);
	free(h);
}

/* A file of the root, whole; caller frees. */
static char *get(const struct box *b, const char *rel, size_t *len)
{
	char *h = xasprintf("%s%s", b->dir, rel);
	char *d = tu_read_file(h, len);
	free(h);
	return d;
}

/* The permission bits of a file of the root. */
static mode_t mode_of(const struct box *b, const char *rel)
{
	char *h = xasprintf("%s%s", b->dir, rel);
	struct stat st;
	assert_int_equal(stat(h, &st), 0);
	free(h);
	return st.st_mode & 07777;
}

/* Every file of the root (without dev/ and the journal): mode, path and
 * SHA-256 of its bytes, one line each, sorted. Caller frees. */
static char *manifest(const struct box *b)
{
	char *out = NULL;
	int rc =
	    tu_sh(&out,
		  "cd '%s' && find . -path ./dev -prune -o -path ./var/lib/asr-doctor -prune "
		  "-o \\( -type f -o -type l \\) -print | LC_ALL=C sort | "
		  "while IFS= read -r f; do printf '%%s %%s ' \"$(stat -c %%a \"$f\")\" \"$f\"; "
		  "sha256sum < \"$f\"; done",
		  b->dir);
	assert_int_equal(rc, 0);
	assert_non_null(out);
	assert_true(strlen(out) > 0);
	return out;
}

/* ---- plans and checks ---- */

/* The plan of fix fix_id on the box; fails the test when there is none. */
static struct plan *plan_of(struct box *b, const char *fix_id)
{
	const struct fix_def *f = fix_find(fix_id);
	assert_non_null(f);
	char *cause = NULL;
	struct plan *p = f->plan(&b->ctx, &cause);
	if (!p)
		print_error("%s: no plan: %s\n", fix_id, cause ? cause : "(no cause)");
	assert_non_null(p);
	assert_null(cause);
	return p;
}

/* The cause a fix gives for not planning; fails the test when it plans. */
static char *no_plan(struct box *b, const char *fix_id)
{
	const struct fix_def *f = fix_find(fix_id);
	assert_non_null(f);
	char *cause = NULL;
	struct plan *p = f->plan(&b->ctx, &cause);
	if (p) {
		struct sbuf s = {0};
		plan_format(p, &s);
		print_error("unexpected plan:\n%s\n", sb_str(&s));
		sb_free(&s);
	}
	assert_null(p);
	assert_non_null(cause);
	return cause;
}

/* Runs check id on the root; *finding (may be NULL) gets its finding. */
static enum status check_on(struct box *b, const char *id, char **finding)
{
	const struct check_def *c = check_find(id);
	assert_non_null(c);
	struct check_ctx ctx = {.t = b->t, .timeout_ms = 5000};
	struct check_result r;
	check_run_one(c, &ctx, &r);
	enum status s = r.status;
	if (finding)
		*finding = xstrdup(r.finding ? r.finding : "");
	result_free(&r);
	return s;
}

/* The expected bytes of path after the fix, from the fixture. */
static char *expected(const char *fcase, const char *path, size_t *len)
{
	char *h = xasprintf(FIX "%s/expected%s", fcase, path);
	char *d = tu_read_file(h, len);
	free(h);
	return d;
}

/* The plan edits exactly paths (in order), each into the expected bytes. */
static void assert_edits(const struct plan *p, const char *fcase, const char *const *paths)
{
	size_t n = 0;
	while (paths[n])
		n++;
	for (size_t i = 0; i < p->nedits && i < n; i++)
		if (strcmp(p->edits[i].path, paths[i]) != 0)
			print_error("edit %zu: %s, expected %s\n", i, p->edits[i].path, paths[i]);
	assert_int_equal(p->nedits, n);
	for (size_t i = 0; i < n; i++) {
		const struct file_edit *e = &p->edits[i];
		assert_string_equal(e->path, paths[i]);
		assert_true(e->existed);
		size_t len = 0;
		char *want = expected(fcase, paths[i], &len);
		if (e->new_len != len || memcmp(e->new_data, want, len) != 0)
			print_error("%s: planned bytes differ:\n%s\n", paths[i], e->new_data);
		assert_int_equal(e->new_len, len);
		assert_memory_equal(e->new_data, want, len);
		free(want);
	}
}

/* The files on disk hold the expected bytes. */
static void assert_files(const struct box *b, const char *fcase, const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++) {
		size_t len = 0, wlen = 0;
		char *have = get(b, paths[i], &len);
		char *want = expected(fcase, paths[i], &wlen);
		assert_int_equal(len, wlen);
		assert_memory_equal(have, want, len);
		free(have);
		free(want);
	}
}

/* Whether some line of v contains needle. */
static bool has_line(const struct strvec *v, const char *needle)
{
	for (size_t i = 0; i < v->n; i++)
		if (strstr(v->v[i], needle))
			return true;
	return false;
}

/* Whether some line of v is exactly line. */
static bool has_exact(const struct strvec *v, const char *line)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], line) == 0)
			return true;
	return false;
}

/* Asserts the plan's single command is argv, after the edits, confirmed on its own. */
static void assert_one_command(const struct plan *p, const char *const *argv)
{
	assert_int_equal(p->ncmds, 1);
	const struct plan_cmd *c = &p->cmds[0];
	size_t i = 0;
	for (; argv[i]; i++) {
		assert_non_null(c->argv[i]);
		assert_string_equal(c->argv[i], argv[i]);
	}
	assert_null(c->argv[i]);
	assert_int_equal(c->phase, CMD_AFTER);
	assert_true(c->confirm);
	assert_false(c->rerun_on_undo);
}

/* Applies p, checks the edited files and the check after it, then undoes
 * it and checks every file of the root is back, bytes and modes. pending:
 * the one command listed for after booting, or NULL for none. */
static void apply_verify_undo(struct box *b, struct plan *p, const char *fcase,
			      const char *const *paths, const char *check_id,
			      enum status want_after, const char *pending)
{
	char *before = manifest(b);
	struct apply_report rep;
	int rc = apply_plan(&b->ctx, p, NULL, &rep);
	if (rc)
		print_error("apply: %s\n", rep.message);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_APPLIED);
	assert_true(rep.changed);
	if (pending) {
		assert_int_equal(rep.pending.n, 1);
		assert_string_equal(rep.pending.v[0], pending);
	} else {
		assert_int_equal(rep.pending.n, 0);
		assert_int_equal(rep.ncmds, 0);
	}
	apply_report_free(&rep);
	assert_files(b, fcase, paths);
	char *finding = NULL;
	enum status st = check_on(b, check_id, &finding);
	if (st != want_after)
		print_error("%s after the fix: %s\n", check_id, finding);
	assert_int_equal(st, want_after);
	free(finding);
	char *mid = manifest(b);
	assert_string_not_equal(mid, before);
	free(mid);

	rc = undo_entry(&b->ctx, "latest", NULL, &rep);
	if (rc)
		print_error("undo: %s\n", rep.message);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_UNDONE);
	apply_report_free(&rep);
	char *after = manifest(b);
	assert_string_equal(after, before);
	free(after);
	free(before);
}

/* ---- tests ---- */

static void test_registered_for_their_checks(void **state)
{
	(void)state;
	const struct fix_def *f[4];
	assert_int_equal(fix_for_check("grub.device_names", f, 4), 1);
	assert_string_equal(f[0]->id, "grub.use_uuid");
	assert_int_equal(fix_for_check("fstab.device_names", f, 4), 1);
	assert_string_equal(f[0]->id, "fstab.use_uuid");
}

static void test_sles12_grub2_article_line(void **state)
{
	(void)state;
	struct box b;
	box_sles12(&b);
	assert_int_equal(check_on(&b, "grub.device_names", NULL), STATUS_FAIL);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *paths[] = {"/boot/grub2/grub.cfg", "/etc/default/grub", NULL};
	assert_edits(p, "sles12", paths);
	assert_string_equal(p->fix_id, "grub.use_uuid");
	assert_int_equal(p->check_ids.n, 1);
	assert_string_equal(p->check_ids.v[0], "grub.device_names");
	/* The kernel command lines before and after, by file and line. */
	assert_int_equal(p->before.n, 2);
	assert_int_equal(p->after.n, 2);
	assert_string_equal(p->before.v[0], "/boot/grub2/grub.cfg:34: " SLES12_LINE);
	assert_string_equal(p->after.v[0], "/boot/grub2/grub.cfg:34: " SLES12_FIXED);
	assert_string_equal(p->before.v[1], "/etc/default/grub:11: GRUB_CMDLINE_LINUX_DEFAULT=\" "
					    "resume=/dev/sda1 splash=silent quiet showopts\"");
	assert_string_equal(
	    p->after.v[1],
	    "/etc/default/grub:11: GRUB_CMDLINE_LINUX_DEFAULT=\" resume=UUID=" SWAP_UUID
	    " splash=silent quiet showopts\"");
	/* SLES: no update-grub, /boot/grub2 is there. */
	const char *regen[] = {"grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL};
	assert_one_command(p, regen);
	/* Where each UUID came from: root= from the probe of what this machine
	 * mounts at the root; resume= from fstab's only swap (a swap area is
	 * never mounted), so a second look is asked for. */
	assert_true(
	    has_line(&p->notes, "/dev/sda2 -> UUID=" ROOT_UUID " (ext4; libblkid probe of "));
	assert_true(has_line(&p->notes, "/dev/sda1 -> UUID=" SWAP_UUID ": taken from /etc/fstab "
					"line 2 (the only swap entry; every resume= of this "
					"root's own boot entries names /dev/sda1)"));
	assert_true(has_line(&p->notes, "double-check it with 'blkid /dev/sda1'"));
	assert_true(has_line(&p->notes, "never through its /dev"));
	assert_true(has_line(&p->notes, "No tool checks these files"));
	assert_true(has_line(&p->notes, "mounted root: 'grub2-mkconfig -o /boot/grub2/grub.cfg'"));
	assert_non_null(strstr(p->undo_text, "needs --force"));
	apply_verify_undo(&b, p, "sles12", paths, "grub.device_names", STATUS_PASS,
			  "grub2-mkconfig -o /boot/grub2/grub.cfg");
	plan_free(p);
	box_close(&b);
}

static void test_sles11_menu_lst_and_fstab(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "sles11");
	image(&b, "sda2", "ext4", ROOT_UUID, "/");
	image(&b, "sda1", "swap", SWAP_UUID, NULL);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *grub[] = {"/boot/grub/menu.lst", NULL};
	assert_edits(p, "sles11", grub);
	/* GRUB legacy: nothing to regenerate. */
	assert_int_equal(p->ncmds, 0);
	assert_int_equal(p->before.n, 1);
	assert_true(str_starts(p->before.v[0], "/boot/grub/menu.lst:11: kernel "));
	/* fstab is named, as a change of its own. */
	assert_true(
	    has_line(&p->notes, "/etc/fstab names devices too (/dev/sda1, line 1 and more)"));
	/* fstab names the swap by device, and a swap area is never mounted:
	 * resume= is left as it is, said so. */
	assert_true(has_line(&p->notes, "/boot/grub/menu.lst:11: resume=/dev/sda1 is left as it "
					"is: its UUID is unknown (/etc/fstab line 1 names the swap "
					"/dev/sda1, not its UUID"));
	/* The failsafe entry's by-id name is unstable too, but nothing ties it
	 * to a UUID: it is left as it is, said so, and still fails the check. */
	assert_true(has_line(&p->notes, "/boot/grub/menu.lst:17: "
					"root=/dev/disk/by-id/scsi-3600224800b3f6e1a8a7c-part2 is "
					"left as it is: its UUID is unknown"));
	apply_verify_undo(&b, p, "sles11", grub, "grub.device_names", STATUS_FAIL, NULL);
	plan_free(p);

	assert_int_equal(check_on(&b, "fstab.device_names", NULL), STATUS_WARN);
	p = plan_of(&b, "fstab.use_uuid");
	const char *fstab[] = {"/etc/fstab", NULL};
	assert_edits(p, "sles11", fstab);
	assert_int_equal(p->ncmds, 0);
	assert_string_equal(p->check_ids.v[0], "fstab.device_names");
	assert_int_equal(p->before.n, 1);
	assert_true(str_starts(p->after.v[0], "/etc/fstab:2: UUID=" ROOT_UUID " "));
	assert_true(has_line(&p->notes, "/etc/fstab:1: /dev/sda1 is left as it is"));
	assert_true(has_line(&p->notes, "Nothing checks /etc/fstab"));
	apply_verify_undo(&b, p, "sles11", fstab, "fstab.device_names", STATUS_WARN, NULL);
	plan_free(p);
	box_close(&b);
}

static void test_rhel9_bls_grubenv_keeps_its_block(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "rhel9");
	image(&b, "vda4", "ext4", ROOT_UUID, "/");
	image(&b, "vda3", "swap", SWAP_UUID, NULL);
	/* RHEL keeps these private. */
	char *h = xasprintf("%s/boot/grub2/grubenv", b.dir);
	assert_int_equal(chmod(h, 0600), 0);
	free(h);
	h = xasprintf("%s/boot/grub2/grub.cfg", b.dir);
	assert_int_equal(chmod(h, 0600), 0);
	free(h);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *paths[] = {BLS_ENTRY, "/boot/grub2/grubenv", "/etc/kernel/cmdline", NULL};
	assert_edits(p, "rhel9", paths);
	assert_int_equal(p->edits[1].old_len, 1024);
	assert_int_equal(p->edits[1].new_len, 1024);
	assert_int_equal(p->edits[1].old_mode, 0600);
	assert_non_null(strstr(p->edits[1].reason, "keeps its size"));
	/* /etc/default/grub names no device: nothing to regenerate. */
	assert_int_equal(p->ncmds, 0);
	assert_true(has_exact(&p->before, "/boot/grub2/grubenv:6: kernelopts=root=/dev/vda4 ro "
					  "console=tty0 resume=/dev/vda3"));
	assert_true(has_exact(&p->after, "/boot/grub2/grubenv:6: kernelopts=root=UUID=" ROOT_UUID
					 " ro console=tty0 resume=UUID=" SWAP_UUID));
	assert_true(has_exact(&p->after,
			      "/etc/kernel/cmdline:1: root=UUID=" ROOT_UUID
			      " ro console=tty0 console=ttyS0,115200n8 resume=UUID=" SWAP_UUID));
	char *before = manifest(&b);
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	size_t len = 0;
	char *env = get(&b, "/boot/grub2/grubenv", &len);
	assert_int_equal(len, 1024);
	assert_int_equal(env[1023], '#');
	free(env);
	assert_int_equal(mode_of(&b, "/boot/grub2/grubenv"), 0600);
	assert_int_equal(undo_entry(&b.ctx, "latest", NULL, &rep), 0);
	apply_report_free(&rep);
	char *after = manifest(&b);
	assert_string_equal(after, before);
	free(after);
	free(before);
	/* The whole cycle again, with the check after it. */
	apply_verify_undo(&b, p, "rhel9", paths, "grub.device_names", STATUS_PASS, NULL);
	plan_free(p);
	box_close(&b);
}

static void test_grubenv_that_cannot_hold_the_uuids_is_refused(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "rhel9");
	image(&b, "vda4", "ext4", ROOT_UUID, "/");
	image(&b, "vda3", "swap", SWAP_UUID, NULL);
	/* A block with 40 bytes of padding left; the UUIDs need 64 more. */
	struct sbuf env = {0};
	sb_add(&env, "# GRUB Environment Block\nsaved_entry=");
	const char *opts = "\nkernelopts=root=/dev/vda4 ro console=tty0 resume=/dev/vda3\n";
	while (env.len + strlen(opts) < 1024 - 40)
		sb_addc(&env, 'x');
	sb_add(&env, opts);
	assert_int_equal(env.len, 1024 - 40);
	while (env.len < 1024)
		sb_addc(&env, '#');
	put(&b, "/boot/grub2/grubenv", env.s);
	char *before = manifest(&b);
	char *cause = no_plan(&b, "grub.use_uuid");
	assert_non_null(strstr(cause, "/boot/grub2/grubenv: the new kernel parameters do not fit "
				      "in its 1024-byte block (24 bytes too many)"));
	assert_non_null(strstr(cause, "grub2-editenv"));
	free(cause);
	/* Not a block at all (no '#' padding after the last line): refused too. */
	put(&b, "/boot/grub2/grubenv", "kernelopts=root=/dev/vda4\nsaved_entry=x");
	cause = no_plan(&b, "grub.use_uuid");
	assert_non_null(strstr(cause, "/boot/grub2/grubenv is not a GRUB environment block"));
	free(cause);
	put(&b, "/boot/grub2/grubenv", env.s);
	char *after = manifest(&b);
	assert_string_equal(after, before);
	free(after);
	free(before);
	sb_free(&env);
	box_close(&b);
}

/* Runs the real grub-script-check (grub-common) on bytes; returns its exit
 * status. */
static int grub_script_check(const char *data, size_t len)
{
	char *tmp = tu_mkdtemp("grubcheck");
	char *p = xasprintf("%s/grub.cfg", tmp);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	char *out = NULL;
	int rc = tu_sh(&out, "grub-script-check '%s' 2>&1", p);
	if (rc)
		print_error("grub-script-check: %s\n", out ? out : "");
	free(out);
	free(p);
	tu_rmtree(tmp);
	free(tmp);
	return rc;
}

/* RHEL 8: grub.cfg's fallback `set kernelopts="..."` gets UUIDs in place
 * (every other byte kept, the result accepted by grub-script-check), with
 * /etc/default/grub, so grub2-mkconfig writes the same later. */
static void test_rhel8_set_kernelopts(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "rhel8");
	image(&b, "sda2", "ext4", ROOT_UUID, "/");
	image(&b, "sda3", "swap", SWAP_UUID, NULL);
	assert_int_equal(check_on(&b, "grub.device_names", NULL), STATUS_FAIL);
	size_t len = 0;
	char *orig = get(&b, "/boot/grub2/grub.cfg", &len);
	assert_int_equal(grub_script_check(orig, len), 0);
	free(orig);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *paths[] = {"/boot/grub2/grub.cfg", "/etc/default/grub", NULL};
	assert_edits(p, "rhel8", paths);
	assert_int_equal(grub_script_check(p->edits[0].new_data, p->edits[0].new_len), 0);
	assert_true(has_exact(&p->after, "/boot/grub2/grub.cfg:140: set kernelopts=\"root=UUID=" ROOT_UUID
					 " ro crashkernel=auto resume=UUID=" SWAP_UUID " rhgb quiet \""));
	const char *regen[] = {"grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL};
	assert_one_command(p, regen);
	apply_verify_undo(&b, p, "rhel8", paths, "grub.device_names", STATUS_PASS,
			  "grub2-mkconfig -o /boot/grub2/grub.cfg");
	plan_free(p);
	box_close(&b);
}

static void test_default_grub_disable_uuid_and_update_grub(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "default-grub");
	image(&b, "xvda1", "ext4", ROOT_UUID, "/");
	image(&b, "xvda2", "swap", SWAP_UUID, NULL);
	assert_int_equal(check_on(&b, "grub.device_names", NULL), STATUS_FAIL);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *paths[] = {"/etc/default/grub", NULL};
	assert_edits(p, "default-grub", paths);
	assert_non_null(strstr(p->edits[0].reason, "GRUB_DISABLE_LINUX_UUID=false: with true, the "
						   "next grub-mkconfig writes device names again"));
	assert_true(has_exact(&p->before, "/etc/default/grub:13: GRUB_DISABLE_LINUX_UUID=true"));
	assert_true(has_exact(&p->after, "/etc/default/grub:13: GRUB_DISABLE_LINUX_UUID=false"));
	/* The quoting around the values is kept. */
	assert_true(has_exact(&p->after, "/etc/default/grub:9: GRUB_CMDLINE_LINUX='console=tty1 "
					 "console=ttyS0,115200 root=UUID=" ROOT_UUID "'"));
	/* Debian and Ubuntu: update-grub, since /usr/sbin/update-grub is there. */
	const char *regen[] = {"update-grub", NULL};
	assert_one_command(p, regen);
	apply_verify_undo(&b, p, "default-grub", paths, "grub.device_names", STATUS_PASS,
			  "update-grub");
	plan_free(p);
	box_close(&b);
}

static void test_crlf_file_keeps_its_line_ends(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "crlf");
	image(&b, "sda2", "ext4", ROOT_UUID, "/");
	image(&b, "sda1", "swap", SWAP_UUID, NULL);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *paths[] = {"/boot/grub/menu.lst", NULL};
	assert_edits(p, "crlf", paths);
	/* The device before "\r\n" is replaced, the "\r" stays (in the bytes),
	 * and the summary shows the line without it. */
	assert_non_null(strstr(p->edits[0].new_data, "resume=UUID=" SWAP_UUID "\r\n    initrd"));
	assert_string_equal(p->before.v[0], "/boot/grub/menu.lst:7: kernel "
					    "/boot/vmlinuz-3.0.101-63-default root=/dev/sda2 "
					    "splash=silent showopts resume=/dev/sda1");
	apply_verify_undo(&b, p, "crlf", paths, "grub.device_names", STATUS_PASS, NULL);
	plan_free(p);
	box_close(&b);
}

static void test_fstab_one_device_line(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "fstab");
	image(&b, "sdb1", "ext4", DATA_UUID, "/data");
	char *finding = NULL;
	assert_int_equal(check_on(&b, "fstab.device_names", &finding), STATUS_WARN);
	assert_non_null(strstr(finding, "/dev/sdb1 in /etc/fstab line 5"));
	free(finding);
	struct plan *p = plan_of(&b, "fstab.use_uuid");
	const char *paths[] = {"/etc/fstab", NULL};
	assert_edits(p, "fstab", paths);
	assert_int_equal(p->before.n, 1);
	assert_true(str_starts(p->before.v[0], "/etc/fstab:5: /dev/sdb1 "));
	assert_true(str_starts(p->after.v[0], "/etc/fstab:5: UUID=" DATA_UUID " "));
	assert_true(
	    has_line(&p->notes, "/dev/sdb1 -> UUID=" DATA_UUID " (ext4; libblkid probe of"));
	apply_verify_undo(&b, p, "fstab", paths, "fstab.device_names", STATUS_PASS, NULL);
	plan_free(p);
	/* No boot loader here: the GRUB fix has nothing to do. */
	char *cause = no_plan(&b, "grub.use_uuid");
	assert_non_null(strstr(cause, "no GRUB configuration found"));
	free(cause);
	box_close(&b);
}

static void test_quoted_device_is_left_for_a_hand_edit(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "quoted");
	image(&b, "sda2", "ext4", ROOT_UUID, "/");
	image(&b, "sda1", "swap", SWAP_UUID, NULL);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *paths[] = {"/boot/grub2/grub.cfg", "/etc/default/grub", NULL};
	assert_edits(p, "quoted", paths);
	assert_true(has_exact(&p->notes,
			      "/etc/default/grub:3: root=/dev/sda2 is written with shell "
			      "quoting inside the device name (/dev/\"sda\"2), so it is "
			      "left as it is: change it by hand to root=UUID=" ROOT_UUID));
	const char *regen[] = {"grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL};
	assert_one_command(p, regen);
	char *before = manifest(&b);
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	assert_files(&b, "quoted", paths);
	/* Rescanning finds exactly the one left for the engineer. */
	char *finding = NULL;
	assert_int_equal(check_on(&b, "grub.device_names", &finding), STATUS_FAIL);
	assert_string_equal(finding, "a device name where a UUID belongs: root=/dev/sda2 in "
				     "/etc/default/grub line 3");
	free(finding);
	assert_int_equal(undo_entry(&b.ctx, "latest", NULL, &rep), 0);
	apply_report_free(&rep);
	char *after = manifest(&b);
	assert_string_equal(after, before);
	free(after);
	free(before);
	plan_free(p);
	box_close(&b);
}

static void test_unknown_uuids_are_never_guessed(void **state)
{
	(void)state;
	/* Only the root filesystem is mounted here; fstab has no swap entry. */
	struct box b;
	box_sles12(&b);
	put(&b, "/etc/fstab", "UUID=" ROOT_UUID " / ext4 acl,user_xattr 1 1\n");
	struct plan *p = plan_of(&b, "grub.use_uuid");
	assert_int_equal(p->nedits, 1);
	assert_string_equal(p->edits[0].path, "/boot/grub2/grub.cfg");
	assert_non_null(strstr(p->edits[0].new_data,
			       "root=UUID=" ROOT_UUID "  ${extra_cmdline} resume=/dev/sda1 "));
	/* /etc/default/grub is not changed, so nothing is regenerated. */
	assert_int_equal(p->ncmds, 0);
	assert_true(has_line(&p->notes, "/boot/grub2/grub.cfg:34: resume=/dev/sda1 is left as it "
					"is: its UUID is unknown ("));
	assert_true(has_line(&p->notes, "/etc/default/grub:11: resume=/dev/sda1 is left as it is: "
					"its UUID is unknown ("));
	plan_free(p);
	box_close(&b);

	/* SLES 11 with no images: fstab names the devices too, nothing is known. */
	box_open(&b, "sles11");
	char *before = manifest(&b);
	char *cause = no_plan(&b, "grub.use_uuid");
	assert_true(str_starts(cause, "nothing can be changed safely:"));
	assert_non_null(strstr(cause,
			       "/boot/grub/menu.lst:11: root=/dev/sda2 is left as it is: its "
			       "UUID is unknown ("));
	assert_non_null(strstr(cause, "/etc/fstab line 2 mounts /dev/sda2 on /; "));
	free(cause);
	cause = no_plan(&b, "fstab.use_uuid");
	assert_non_null(strstr(cause, "/etc/fstab:1: /dev/sda1 is left as it is"));
	free(cause);
	char *after = manifest(&b);
	assert_string_equal(after, before);
	free(after);
	free(before);
	box_close(&b);
}

/* The regenerate command planned for a root laid out as the shell
 * fragment setup makes it (run in the root). */
static void assert_regen_for(const char *setup, const char *const *argv)
{
	struct box b;
	box_open(&b, NULL);
	put(&b, "/etc/default/grub", "GRUB_CMDLINE_LINUX=\"resume=/dev/sda1\"\n");
	put(&b, "/etc/fstab",
	    "UUID=" ROOT_UUID " / xfs defaults 0 0\nUUID=" SWAP_UUID " none swap defaults 0 0\n");
	assert_int_equal(tu_sh(NULL, "cd '%s' && %s", b.dir, setup), 0);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	assert_int_equal(p->nedits, 1);
	assert_string_equal(p->edits[0].path, "/etc/default/grub");
	assert_one_command(p, argv);
	/* The UUID came from fstab (nothing to probe): the engineer is told. */
	assert_true(has_line(&p->notes, "/dev/sda1 -> UUID=" SWAP_UUID ": taken from /etc/fstab "
					"line 2 (the only swap entry; "));
	assert_true(has_line(&p->notes, "double-check it with 'blkid /dev/sda1'"));
	plan_free(p);
	box_close(&b);
}

static void test_regenerate_command_for_each_layout(void **state)
{
	(void)state;
	/* UEFI RHEL-like whose only grub.cfg is the EFI one. */
	const char *efi[] = {"grub2-mkconfig", "-o", "/boot/efi/EFI/centos/grub.cfg", NULL};
	assert_regen_for(
	    "mkdir -p boot/efi/EFI/centos usr/sbin && : > boot/efi/EFI/centos/grub.cfg "
	    "&& : > usr/sbin/grub2-mkconfig",
	    efi);
	/* The same with /boot/grub2/grub.cfg present (RHEL 9: the EFI file is a stub). */
	const char *grub2[] = {"grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL};
	assert_regen_for(
	    "mkdir -p boot/efi/EFI/redhat boot/grub2 && : > boot/efi/EFI/redhat/grub.cfg "
	    "&& : > boot/grub2/grub.cfg",
	    grub2);
	/* GRUB 2 named grub, without update-grub (Arch, Gentoo). */
	const char *plain[] = {"grub-mkconfig", "-o", "/boot/grub/grub.cfg", NULL};
	assert_regen_for("mkdir -p boot/grub && : > boot/grub/grub.cfg", plain);
	/* Debian and Ubuntu. */
	const char *deb[] = {"update-grub", NULL};
	assert_regen_for("mkdir -p boot/grub usr/sbin && : > boot/grub/grub.cfg && "
			 ": > usr/sbin/update-grub",
			 deb);
}

static void test_demo_root_uuids_from_fstab(void **state)
{
	(void)state;
	struct box b;
	memset(&b, 0, sizeof b);
	b.dir = tu_mkdtemp("fixgrub-demo");
	char *cause = NULL;
	if (content_extract("demo/", b.dir, &cause) < 0)
		print_error("%s\n", cause);
	assert_null(cause);
	b.t = target_root_new(b.dir, &cause);
	assert_non_null(b.t);
	b.ctx.t = b.t;
	b.ctx.timeout_ms = 20000;
	assert_int_equal(check_on(&b, "grub.device_names", NULL), STATUS_FAIL);
	struct plan *p = plan_of(&b, "grub.use_uuid");
	const char *paths[] = {"/boot/grub2/grub.cfg", "/etc/default/grub", NULL};
	assert_edits(p, "demo", paths);
	assert_int_equal(p->before.n, 3);
	assert_true(has_line(&p->notes,
			     "/dev/sda2 -> UUID=" DEMO_ROOT_UUID ": taken from /etc/fstab "
			     "line 4 (the entry mounted on /; every root= of this root's own "
			     "boot entries names /dev/sda2), not read from the device"));
	assert_true(has_line(&p->notes,
			     "/dev/sda1 -> UUID=" DEMO_SWAP_UUID ": taken from /etc/fstab "
			     "line 5 (the only swap entry; "));
	assert_true(has_line(&p->notes, "/etc/fstab names devices too (/dev/sdb1, line 6)"));
	const char *regen[] = {"grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL};
	assert_one_command(p, regen);
	/* What the confirmation screen shows. */
	struct sbuf s = {0};
	plan_format(p, &s);
	assert_non_null(strstr(sb_str(&s), "Now:\n  /boot/grub2/grub.cfg:26: linux "
					   "/boot/vmlinuz-3.12.49-11-default root=/dev/sda2  "));
	assert_non_null(strstr(sb_str(&s),
			       "-GRUB_CMDLINE_LINUX=\"resume=/dev/sda1\"\n"
			       "+GRUB_CMDLINE_LINUX=\"resume=UUID=" DEMO_SWAP_UUID "\"\n"));
	assert_non_null(strstr(sb_str(&s), "  1. grub2-mkconfig -o /boot/grub2/grub.cfg\n"));
	sb_free(&s);
	apply_verify_undo(&b, p, "demo", paths, "grub.device_names", STATUS_PASS,
			  "grub2-mkconfig -o /boot/grub2/grub.cfg");
	plan_free(p);
	/* fstab's /data line: the demo's /dev/disk/by-uuid link is the root's
	 * /dev, never used; /data is not mounted here, so nothing is planned. */
	assert_int_equal(check_on(&b, "fstab.device_names", NULL), STATUS_WARN);
	cause = no_plan(&b, "fstab.use_uuid");
	assert_non_null(strstr(cause, "/etc/fstab:6: /dev/sdb1 is left as it is: its UUID is "
				      "unknown (/etc/fstab line 6 mounts /dev/sdb1 on /data; /data "
				      "is not mounted under"));
	free(cause);
	box_close(&b);
}

/* Runs the asr-doctor binary with args (a shell fragment); *out gets
 * stdout and stderr. Returns its exit status. */
static int run_cli(char **out, const char *args)
{
	return tu_sh(out, "%s %s 2>&1", tu_binary(), args);
}

static void test_cli_fix_95320_on_a_mounted_root(void **state)
{
	(void)state;
	if (access(tu_binary(), X_OK) != 0)
		skip();
	struct box b;
	box_sles12(&b);
	char *out = NULL;
	char *args = xasprintf("--root '%s' fix grub.use_uuid --dry-run </dev/null", b.dir);
	int rc = run_cli(&out, args);
	free(args);
	if (strstr(out, "not an ErrorID, anchor, check id or fix id")) {
		print_message("%s has no grub.use_uuid yet: not run\n", tu_binary());
		free(out);
		box_close(&b);
		skip();
	}
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "After the change:\n  /boot/grub2/grub.cfg:34: " SLES12_FIXED));
	free(out);
	char *before = manifest(&b);
	args = xasprintf("--root '%s' fix 95320 --yes </dev/null", b.dir);
	rc = run_cli(&out, args);
	free(args);
	if (rc != 0)
		print_error("%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(
	    out, "Run these after booting the machine:\n  grub2-mkconfig -o /boot/grub2/grub.cfg"));
	assert_non_null(strstr(out, "Fixed and verified."));
	free(out);
	const char *paths[] = {"/boot/grub2/grub.cfg", "/etc/default/grub", NULL};
	assert_files(&b, "sles12", paths);
	args = xasprintf("--root '%s' undo --yes </dev/null", b.dir);
	rc = run_cli(&out, args);
	free(args);
	if (rc != 0)
		print_error("%s\n", out);
	assert_int_equal(rc, 0);
	free(out);
	char *after = manifest(&b);
	assert_string_equal(after, before);
	free(after);
	free(before);
	box_close(&b);
}

/* A menu entry os-prober made for another system (root=/dev/sdb3), and the
 * rescue machine's disks of the same names in the root's /dev: `fix 95320
 * --yes` gives this root's UUID to this root's entry only, leaves the other
 * entry as it is and says so, and no decoy UUID reaches a file. */
static void test_cli_yes_never_gives_another_systems_entry_this_uuid(void **state)
{
	(void)state;
	if (access(tu_binary(), X_OK) != 0)
		skip();
	struct box b;
	box_sles12(&b);
	assert_int_equal(tu_sh(NULL, "cp '%s/dev/sda2' '%s/dev/sdb3'", b.dir, b.dir), 0);
	char *h = xasprintf("%s/boot/grub2/grub.cfg", b.dir);
	FILE *f = fopen(h, "ab");
	assert_non_null(f);
	fputs("### BEGIN /etc/grub.d/30_os-prober ###\n"
	      "menuentry 'Ubuntu 22.04.3 LTS (22.04) (on /dev/sdb3)' --class ubuntu --class "
	      "gnu-linux --class gnu --class os $menuentry_id_option "
	      "'osprober-gnulinux-simple-9c2d4e6f-1a3b-4c5d-8e7f-0a1b2c3d4e5f' {\n"
	      "\tinsmod part_msdos\n\tinsmod ext2\n\tset root='hd1,msdos3'\n"
	      "\tlinux /boot/vmlinuz-5.15.0-91-generic root=/dev/sdb3 ro quiet splash\n"
	      "\tinitrd /boot/initrd.img-5.15.0-91-generic\n}\n"
	      "### END /etc/grub.d/30_os-prober ###\n",
	      f);
	fclose(f);
	free(h);
	char *out = NULL;
	char *args = xasprintf("--root '%s' fix 95320 --yes </dev/null", b.dir);
	int rc = run_cli(&out, args);
	free(args);
	if (rc != 0)
		print_error("%s\n", out);
	/* Applied, but the other system's entry still names a device: the
	 * check still fails, and the exit status says so. */
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "root=/dev/sdb3 is left as it is: its UUID is unknown (/dev/sdb3 "
				    "is in a menu entry os-prober made for another system"));
	free(out);
	size_t len = 0;
	char *cfg = get(&b, "/boot/grub2/grub.cfg", &len);
	assert_non_null(strstr(cfg, SLES12_FIXED));
	assert_non_null(strstr(cfg, "\tlinux /boot/vmlinuz-5.15.0-91-generic root=/dev/sdb3 ro "));
	assert_null(strstr(cfg, DECOY_UUID));
	free(cfg);
	char *def = get(&b, "/etc/default/grub", &len);
	assert_null(strstr(def, DECOY_UUID));
	free(def);
	box_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registered_for_their_checks),
	    cmocka_unit_test(test_sles12_grub2_article_line),
	    cmocka_unit_test(test_sles11_menu_lst_and_fstab),
	    cmocka_unit_test(test_rhel9_bls_grubenv_keeps_its_block),
	    cmocka_unit_test(test_grubenv_that_cannot_hold_the_uuids_is_refused),
	    cmocka_unit_test(test_rhel8_set_kernelopts),
	    cmocka_unit_test(test_default_grub_disable_uuid_and_update_grub),
	    cmocka_unit_test(test_crlf_file_keeps_its_line_ends),
	    cmocka_unit_test(test_fstab_one_device_line),
	    cmocka_unit_test(test_quoted_device_is_left_for_a_hand_edit),
	    cmocka_unit_test(test_unknown_uuids_are_never_guessed),
	    cmocka_unit_test(test_regenerate_command_for_each_layout),
	    cmocka_unit_test(test_demo_root_uuids_from_fstab),
	    cmocka_unit_test(test_cli_fix_95320_on_a_mounted_root),
	    cmocka_unit_test(test_cli_yes_never_gives_another_systems_entry_this_uuid),
	};
	return cmocka_run_group_tests_name("fix_grub", tests, NULL, NULL);
}
