/* test_grub.c: device names where UUIDs belong (ErrorID 95320): the GRUB
 * scanner on fixture roots in the styles of Debian, SLES 11/12, RHEL 7,
 * RHEL 9 with BLS entries, a UEFI copy and /etc/default/grub with shell
 * quoting; exact files, lines and byte spans; odd input; and the UUIDs
 * found for each device on a mounted root: real filesystem images made
 * with mkfs.ext4 named by a recorded host mount table, decoys (mkfs.ext4,
 * mkswap) in the root's /dev that are never used, and an os-prober menu
 * entry for another system. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/blkdev.h"
#include "engine/check.h"
#include "engine/grub.h"

#define FIX "tests/fixtures/grub/"
#define BLS_ENTRY                                                                                  \
	"/boot/loader/entries/3f9a7c1e5b2d4e6f8a0b1c2d3e4f5a6b-5.14.0-362.8.1.el9_3.x86_64.conf"
#define ROOT_UUID "62927e85-f7ba-40bc-9993-cc1feeb191e4"
#define SWAP_UUID "6f614b44-433b-431b-9ca1-4dd2f6f74f6b"
#define ARTICLE_LINUX                                                                               \
	"linux /boot/vmlinuz-3.12.49-11-default root=/dev/sda2  ${extra_cmdline} resume=/dev/sda1 " \
	"splash=silent quiet showopts\n"

static struct target *root_target(const char *dir)
{
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	if (!t)
		print_error("%s\n", cause);
	assert_non_null(t);
	return t;
}

static struct grub_scan *scan_fixture(const char *name, unsigned flags)
{
	char *dir = xasprintf(FIX "%s", name);
	struct target *t = root_target(dir);
	struct grub_scan *s = grub_scan(t, flags);
	target_free(t);
	free(dir);
	return s;
}

/* Asserts one finding exactly, and that its span really holds the device
 * in the file on disk at the recorded offsets. */
static void assert_finding(const char *root, const struct grub_finding *f, const char *path,
			   int line, enum grub_param param, const char *device, size_t start,
			   size_t end)
{
	assert_string_equal(f->path, path);
	assert_int_equal(f->line, line);
	assert_int_equal(f->param, param);
	assert_string_equal(f->device, device);
	assert_int_equal(f->start, start);
	assert_int_equal(f->end, end);
	assert_true(f->exact);
	assert_int_equal(strlen(f->text) >= end, 1);
	assert_memory_equal(f->text + start, device, end - start);
	if (root) {
		char *host = xasprintf("%s%s", root, path);
		size_t len = 0;
		char *data = tu_read_file(host, &len);
		assert_true(f->line_off + end <= len);
		assert_memory_equal(data + f->line_off + start, device, end - start);
		assert_int_equal(f->file_hash, hash_fnv1a(data, len));
		free(data);
		free(host);
	}
}

static void run_check(struct target *t, const char *id, struct check_result *r)
{
	const struct check_def *c = check_find(id);
	assert_non_null(c);
	struct check_ctx ctx = { .t = t, .timeout_ms = 5000 };
	check_run_one(c, &ctx, r);
}

static enum status check_status_on(const char *dir, const char *id, char **finding)
{
	struct target *t = root_target(dir);
	struct check_result r;
	run_check(t, id, &r);
	enum status s = r.status;
	if (finding)
		*finding = xstrdup(r.finding);
	result_free(&r);
	target_free(t);
	return s;
}

/* Whether some evidence item's text contains needle. */
static bool evidence_has(const struct check_result *r, const char *needle)
{
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].text && strstr(r->ev[i].text, needle))
			return true;
	return false;
}

/* Every pattern of devname's list, in each place the scanner reads: a
 * linux line of grub.cfg (root= and resume=), a BLS options line and the
 * first field of /etc/fstab. Unstable ones are findings with their kind,
 * stable ones are not. */
static void test_each_pattern_in_each_file(void **state)
{
	(void)state;
	const struct {
		const char *name;
		enum devname_kind kind;
	} w[] = { { "/dev/sda2", DEVNAME_KERNEL },
		  { "/dev/hdb1", DEVNAME_KERNEL },
		  { "/dev/vda3", DEVNAME_KERNEL },
		  { "/dev/xvda1", DEVNAME_KERNEL },
		  { "/dev/nvme0n1p2", DEVNAME_KERNEL },
		  { "/dev/mmcblk0p2", DEVNAME_KERNEL },
		  { "/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:0:0-part2", DEVNAME_BY_PATH },
		  { "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4-part2", DEVNAME_BY_ID },
		  { "UUID=0b1e2a54-3c4d-4e5f-8a9b-0c1d2e3f4a5b", DEVNAME_NONE },
		  { "LABEL=root", DEVNAME_NONE },
		  { "PARTUUID=5f3a9c1e-02", DEVNAME_NONE },
		  { "PARTLABEL=primary", DEVNAME_NONE },
		  { "/dev/disk/by-uuid/0b1e2a54-3c4d-4e5f-8a9b-0c1d2e3f4a5b", DEVNAME_NONE },
		  { "/dev/disk/by-label/root", DEVNAME_NONE },
		  { "/dev/disk/by-partuuid/5f3a9c1e-02", DEVNAME_NONE },
		  { "/dev/mapper/rhel-root", DEVNAME_NONE },
		  { "/dev/rhel/root", DEVNAME_NONE } };
	for (size_t i = 0; i < ARRAY_LEN(w); i++) {
		char *cfg = xasprintf("menuentry 'Linux' {\n\tlinux /vmlinuz root=%s resume=%s ro\n}\n",
				      w[i].name, w[i].name);
		char *bls = xasprintf("title Linux\noptions root=%s ro\n", w[i].name);
		char *fstab = xasprintf("%s / ext4 defaults 0 1\n", w[i].name);
		struct grub_scan *s = grub_scan_new();
		grub_scan_data(s, "/boot/grub/grub.cfg", GRUB_SRC_CFG, cfg, strlen(cfg));
		grub_scan_data(s, "/boot/loader/entries/a.conf", GRUB_SRC_BLS, bls, strlen(bls));
		grub_scan_data(s, "/etc/fstab", GRUB_SRC_FSTAB, fstab, strlen(fstab));
		size_t want = w[i].kind == DEVNAME_NONE ? 0 : 4;
		if (s->n != want)
			print_error("%s: %zu findings, want %zu\n", w[i].name, s->n, want);
		assert_int_equal(s->n, want);
		for (size_t k = 0; k < s->n; k++) {
			assert_string_equal(s->f[k].device, w[i].name);
			assert_int_equal(s->f[k].kind, w[i].kind);
			assert_true(s->f[k].exact);
		}
		if (want) {
			assert_int_equal(s->f[0].param, GRUB_PARAM_ROOT);
			assert_int_equal(s->f[1].param, GRUB_PARAM_RESUME);
			assert_int_equal(s->f[2].source, GRUB_SRC_BLS);
			assert_int_equal(s->f[3].param, GRUB_PARAM_FSTAB);
		}
		grub_scan_free(s);
		free(cfg);
		free(bls);
		free(fstab);
	}
}

/* by-path and by-id fail the check, and the evidence says why they change
 * on a failover. */
static void test_by_path_and_by_id_fail_with_reason(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("grub-byid");
	char *p = xasprintf("%s/boot/grub/grub.cfg", tmp);
	tu_write_file(p, "menuentry 'Debian' {\n\tlinux /vmlinuz "
			 "root=/dev/disk/by-id/wwn-0x5000c500a1b2c3d4-part2 ro\n}\n");
	free(p);
	p = xasprintf("%s/etc/fstab", tmp);
	tu_write_file(p, "/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:0:0-part1 /boot ext4 "
			 "defaults 0 2\n");
	free(p);
	struct target *t = root_target(tmp);
	struct check_result r;
	run_check(t, "grub.device_names", &r);
	assert_int_equal(r.status, STATUS_FAIL);
	assert_true(evidence_has(&r, "serial number"));
	result_free(&r);
	run_check(t, "fstab.device_names", &r);
	assert_int_equal(r.status, STATUS_WARN);
	assert_true(evidence_has(&r, "controller and bus path"));
	result_free(&r);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_debian_update_grub_uses_uuids(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("debian", GRUB_SCAN_BOOT | GRUB_SCAN_FSTAB);
	assert_int_equal(s->n, 0);
	assert_int_equal(s->nfiles, 3);
	assert_string_equal(s->files[0].path, "/boot/grub/grub.cfg");
	assert_int_equal(s->files[0].params, 2);
	assert_string_equal(s->files[0].sample, "root=UUID=0b1e2a54-7c0d-4f4e-9d1a-3e5b8c7f6a21");
	assert_int_equal(s->files[0].sample_line, 44);
	assert_false(s->disable_uuid); /* commented out in /etc/default/grub */
	grub_scan_free(s);
	assert_int_equal(check_status_on(FIX "debian", "grub.device_names", NULL), STATUS_PASS);
	assert_int_equal(check_status_on(FIX "debian", "fstab.device_names", NULL), STATUS_PASS);
}

static void test_debian_broken_grub_cfg(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("debian-broken", GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_int_equal(s->n, 2);
	assert_finding(FIX "debian-broken", &s->f[0], "/boot/grub/grub.cfg", 44, GRUB_PARAM_ROOT,
		       "/dev/sda1", 41, 50);
	assert_finding(FIX "debian-broken", &s->f[1], "/boot/grub/grub.cfg", 56, GRUB_PARAM_ROOT,
		       "/dev/sda1", 42, 51);
	assert_int_equal(s->f[0].line_off, 1105);
	assert_int_equal(s->f[1].line_off, 1776);
	assert_string_equal(s->f[0].text,
			    "\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=/dev/sda1 ro  quiet");
	/* No images under the fixture's /dev: the UUID comes from fstab's / entry. */
	assert_int_equal(s->f[0].id.origin, BLKDEV_ORIGIN_FSTAB);
	assert_string_equal(s->f[0].id.uuid, "0b1e2a54-7c0d-4f4e-9d1a-3e5b8c7f6a21");
	assert_string_equal(s->f[0].id.path, "/etc/fstab");
	assert_int_equal(s->f[0].id.line, 4);
	assert_string_equal(s->f[1].id.uuid, "0b1e2a54-7c0d-4f4e-9d1a-3e5b8c7f6a21");
	grub_scan_free(s);

	struct target *t = root_target(FIX "debian-broken");
	struct check_result r;
	run_check(t, "grub.device_names", &r);
	assert_int_equal(r.status, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "root=/dev/sda1 in /boot/grub/grub.cfg line 44"));
	assert_true(evidence_has(&r, "root=UUID=0b1e2a54-7c0d-4f4e-9d1a-3e5b8c7f6a21"));
	assert_true(evidence_has(&r, "/etc/fstab line 4"));
	bool file_ev = false;
	for (size_t i = 0; i < r.nev; i++)
		file_ev = file_ev || (r.ev[i].kind == EV_FILE && r.ev[i].line == 56 &&
				      strcmp(r.ev[i].path, "/boot/grub/grub.cfg") == 0);
	assert_true(file_ev);
	result_free(&r);
	target_free(t);
}

static void test_sles11_menu_lst(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("sles11", GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_int_equal(s->n, 3);
	assert_finding(FIX "sles11", &s->f[0], "/boot/grub/menu.lst", 11, GRUB_PARAM_ROOT,
		       "/dev/sda2", 49, 58);
	assert_finding(FIX "sles11", &s->f[1], "/boot/grub/menu.lst", 11, GRUB_PARAM_RESUME,
		       "/dev/sda1", 66, 75);
	assert_int_equal(s->f[0].source, GRUB_SRC_LEGACY);
	/* The failsafe entry's by-id name carries the disk's serial, which is
	 * new after a failover; `root (hd0,1)` is not root=. */
	assert_finding(FIX "sles11", &s->f[2], "/boot/grub/menu.lst", 17, GRUB_PARAM_ROOT,
		       "/dev/disk/by-id/scsi-3600224800b3f6e1a8a7c-part2", 49, 97);
	assert_int_equal(s->f[2].kind, DEVNAME_BY_ID);
	assert_int_equal(s->f[0].kind, DEVNAME_KERNEL);
	assert_int_equal(s->files[0].params, 3);
	/* fstab names the devices too, and the fixture is no mount point: no
	 * UUID anywhere, and the reason says so. */
	assert_null(s->f[0].id.uuid);
	assert_non_null(strstr(s->f[0].id.why, "/etc/fstab line 2 mounts /dev/sda2 on /; "));
	assert_non_null(strstr(s->f[0].id.why, "its /dev is never used"));
	assert_non_null(strstr(s->f[1].id.why, "/etc/fstab line 1 names the swap /dev/sda1"));
	grub_scan_free(s);
	char *finding = NULL;
	assert_int_equal(check_status_on(FIX "sles11", "grub.device_names", &finding), STATUS_FAIL);
	free(finding);
	assert_int_equal(check_status_on(FIX "sles11", "fstab.device_names", &finding),
			 STATUS_WARN);
	assert_non_null(strstr(finding, "/dev/sda1"));
	free(finding);
}

static void test_sles12_grub2_and_default(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("sles12", GRUB_SCAN_BOOT);
	assert_int_equal(s->n, 3);
	assert_finding(FIX "sles12", &s->f[0], "/boot/grub2/grub.cfg", 34, GRUB_PARAM_ROOT,
		       "/dev/sda2", 45, 54);
	assert_finding(FIX "sles12", &s->f[1], "/boot/grub2/grub.cfg", 34, GRUB_PARAM_RESUME,
		       "/dev/sda1", 80, 89);
	assert_finding(FIX "sles12", &s->f[2], "/etc/default/grub", 11, GRUB_PARAM_RESUME,
		       "/dev/sda1", 36, 45);
	assert_int_equal(s->f[2].source, GRUB_SRC_DEFAULT);
	/* Not looked up: the UUID part stays empty. */
	assert_null(s->f[0].id.uuid);
	assert_null(s->f[0].id.why);
	grub_scan_free(s);
}

static void test_rhel7_linux16_mapper_passes(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("rhel7", GRUB_SCAN_BOOT | GRUB_SCAN_FSTAB);
	assert_int_equal(s->n, 0);
	assert_string_equal(s->files[0].path, "/boot/grub2/grub.cfg");
	assert_int_equal(s->files[0].params, 2);
	assert_string_equal(s->files[0].sample, "root=/dev/mapper/rhel-root");
	grub_scan_free(s);
	assert_int_equal(check_status_on(FIX "rhel7", "grub.device_names", NULL), STATUS_PASS);
	assert_int_equal(check_status_on(FIX "rhel7", "fstab.device_names", NULL), STATUS_PASS);
	/* The same configuration with a device name on a linux16 line fails. */
	char *tmp = tu_mkdtemp("grub-rhel7");
	assert_int_equal(
		tu_sh(NULL,
		      "cp -a " FIX "rhel7/. '%s/' && sed -i "
		      "'s#root=/dev/mapper/rhel-root ro crashkernel=auto rd.lvm.lv=rhel/root "
		      "rd.lvm.lv=rhel/swap rhgb quiet LANG#root=/dev/sda3 ro crashkernel="
		      "auto rhgb quiet LANG#' '%s/boot/grub2/grub.cfg'",
		      tmp, tmp),
		0);
	struct target *t = root_target(tmp);
	s = grub_scan(t, GRUB_SCAN_BOOT);
	assert_int_equal(s->n, 1);
	assert_finding(tmp, &s->f[0], "/boot/grub2/grub.cfg", 44, GRUB_PARAM_ROOT, "/dev/sda3", 46,
		       55);
	assert_true(str_starts(s->f[0].text, "\tlinux16 "));
	grub_scan_free(s);
	target_free(t);
	assert_int_equal(check_status_on(tmp, "grub.device_names", NULL), STATUS_FAIL);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_rhel9_bls_grubenv_cmdline(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("rhel9-bls", GRUB_SCAN_BOOT);
	assert_int_equal(s->n, 6);
	const char *root = FIX "rhel9-bls";
	assert_finding(root, &s->f[0], BLS_ENTRY, 5, GRUB_PARAM_ROOT, "/dev/vda4", 13, 22);
	assert_finding(root, &s->f[1], BLS_ENTRY, 5, GRUB_PARAM_RESUME, "/dev/vda3", 143, 152);
	assert_int_equal(s->f[0].source, GRUB_SRC_BLS);
	assert_finding(root, &s->f[2], "/boot/grub2/grubenv", 6, GRUB_PARAM_ROOT, "/dev/vda4", 16,
		       25);
	assert_finding(root, &s->f[3], "/boot/grub2/grubenv", 6, GRUB_PARAM_RESUME, "/dev/vda3", 49,
		       58);
	assert_int_equal(s->f[2].source, GRUB_SRC_GRUBENV);
	assert_finding(root, &s->f[4], "/etc/kernel/cmdline", 1, GRUB_PARAM_ROOT, "/dev/vda4", 5,
		       14);
	assert_finding(root, &s->f[5], "/etc/kernel/cmdline", 1, GRUB_PARAM_RESUME, "/dev/vda3", 61,
		       70);
	/* Every file was read: the blscfg grub.cfg, the UEFI stub, both entries. */
	size_t nbls = 0;
	bool stub = false;
	for (size_t i = 0; i < s->nfiles; i++) {
		nbls += s->files[i].source == GRUB_SRC_BLS;
		stub = stub || strcmp(s->files[i].path, "/boot/efi/EFI/redhat/grub.cfg") == 0;
	}
	assert_int_equal(nbls, 2);
	assert_true(stub);
	grub_scan_free(s);
	assert_int_equal(check_status_on(root, "grub.device_names", NULL), STATUS_FAIL);
}

/* RHEL 8 / Fedora: grub.cfg's `set kernelopts="..."`, the fallback of the
 * BLS entries' $kernelopts when grubenv has none (this grubenv has none). */
static void test_rhel8_fallback_kernelopts(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("rhel8", GRUB_SCAN_BOOT);
	assert_int_equal(s->n, 4);
	assert_finding(FIX "rhel8", &s->f[0], "/boot/grub2/grub.cfg", 140, GRUB_PARAM_ROOT,
		       "/dev/sda2", 23, 32);
	assert_finding(FIX "rhel8", &s->f[1], "/boot/grub2/grub.cfg", 140, GRUB_PARAM_RESUME,
		       "/dev/sda3", 60, 69);
	assert_true(s->f[0].kernelopts);
	assert_true(s->f[1].kernelopts);
	assert_int_equal(s->f[0].source, GRUB_SRC_CFG);
	/* /etc/default/grub: resume= and GRUB_DISABLE_LINUX_UUID=true. */
	assert_string_equal(s->f[2].path, "/etc/default/grub");
	assert_false(s->f[2].kernelopts);
	assert_int_equal(s->f[3].param, GRUB_PARAM_DISABLE_UUID);
	grub_scan_free(s);
	struct target *t = root_target(FIX "rhel8");
	struct check_result r;
	run_check(t, "grub.device_names", &r);
	assert_int_equal(r.status, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "root=/dev/sda2 in /boot/grub2/grub.cfg line 140"));
	assert_true(evidence_has(&r, "fallback kernelopts"));
	result_free(&r);
	target_free(t);
	/* `set` of other variables, and kernelopts outside `set`, are not it. */
	const char *cfg = "set default=\"root=/dev/sda2\"\necho kernelopts=root=/dev/sda2\n"
			  "set kernelopts='root=UUID=0b1e2a54-7c0d-4f4e-9d1a-3e5b8c7f6a21 ro'\n";
	s = grub_scan_new();
	grub_scan_data(s, "/boot/grub2/grub.cfg", GRUB_SRC_CFG, cfg, strlen(cfg));
	assert_int_equal(s->n, 0);
	assert_int_equal(s->files[0].params, 1);
	grub_scan_free(s);
}

static void test_uefi_copy(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("uefi", GRUB_SCAN_BOOT);
	assert_int_equal(s->n, 1);
	assert_finding(FIX "uefi", &s->f[0], "/boot/efi/EFI/centos/grub.cfg", 16, GRUB_PARAM_ROOT,
		       "/dev/sda3", 47, 56);
	assert_true(str_starts(s->f[0].text, "\tlinuxefi "));
	/* resume=UUID=... in both files is fine. */
	assert_int_equal(s->files[0].params, 2);
	grub_scan_free(s);
}

static void test_default_grub_quoting_and_disable_uuid(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("default-grub", GRUB_SCAN_BOOT);
	assert_int_equal(s->n, 3);
	const char *root = FIX "default-grub";
	/* Single-quoted value. */
	assert_finding(root, &s->f[0], "/etc/default/grub", 9, GRUB_PARAM_ROOT, "/dev/xvda1", 59,
		       69);
	/* "...resume="/dev/xvda2" quiet": the device is unquoted between two
	 * double-quoted parts, still one shell word. */
	assert_finding(root, &s->f[1], "/etc/default/grub", 10, GRUB_PARAM_RESUME, "/dev/xvda2", 64,
		       74);
	assert_int_equal(s->f[2].param, GRUB_PARAM_DISABLE_UUID);
	assert_string_equal(s->f[2].path, "/etc/default/grub");
	assert_int_equal(s->f[2].line, 13);
	assert_string_equal(s->f[2].device, "true");
	assert_int_equal(s->f[2].start, 24);
	assert_int_equal(s->f[2].end, 28);
	assert_true(s->disable_uuid);
	/* The drop-in was read; the generated grub.cfg still has UUIDs. */
	assert_int_equal(s->nfiles, 3);
	assert_string_equal(s->files[2].path, "/etc/default/grub.d/50-cloudimg-settings.cfg");
	assert_string_equal(s->files[0].sample, "root=UUID=4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d");
	grub_scan_free(s);

	struct target *t = root_target(root);
	struct check_result r;
	run_check(t, "grub.device_names", &r);
	assert_int_equal(r.status, STATUS_FAIL);
	assert_true(evidence_has(&r, "GRUB_DISABLE_LINUX_UUID=true: grub-mkconfig"));
	assert_true(evidence_has(&r, "UUID unknown"));
	result_free(&r);
	target_free(t);
}

/* Scans one buffer as a file of the given kind. */
static struct grub_scan *scan_text(const char *path, enum grub_source src, const char *text)
{
	struct grub_scan *s = grub_scan_new();
	grub_scan_data(s, path, src, text, strlen(text));
	return s;
}

static void test_disable_uuid_last_assignment_wins(void **state)
{
	(void)state;
	struct grub_scan *s = grub_scan_new();
	const char *a = "GRUB_DISABLE_LINUX_UUID=\"true\"\n";
	const char *b = "# later drop-in\nexport GRUB_DISABLE_LINUX_UUID=false\n";
	grub_scan_data(s, "/etc/default/grub", GRUB_SRC_DEFAULT, a, strlen(a));
	assert_true(s->disable_uuid);
	assert_int_equal(s->n, 1);
	/* The span covers the value as written, quotes included. */
	assert_int_equal(s->f[0].start, 24);
	assert_int_equal(s->f[0].end, 30);
	assert_string_equal(s->f[0].device, "true");
	grub_scan_data(s, "/etc/default/grub.d/99.cfg", GRUB_SRC_DEFAULT, b, strlen(b));
	assert_false(s->disable_uuid);
	assert_int_equal(s->n, 0);
	grub_scan_free(s);
	/* Anything but exactly "true" keeps UUIDs (grub-mkconfig compares with "xtrue"). */
	s = scan_text("/etc/default/grub", GRUB_SRC_DEFAULT,
		      "GRUB_DISABLE_LINUX_UUID=True\nGRUB_DISABLE_LINUX_UUID_X=true\n");
	assert_false(s->disable_uuid);
	assert_int_equal(s->n, 0);
	grub_scan_free(s);
}

static void test_quotes_splitting_a_device(void **state)
{
	(void)state;
	/* /dev/"sda"2 is /dev/sda2 to the shell, but its bytes are not: the
	 * finding says the span is not exact. */
	struct grub_scan *s = scan_text("/etc/default/grub", GRUB_SRC_DEFAULT,
					"GRUB_CMDLINE_LINUX=root=/dev/\"sda\"2\\ quiet\n");
	assert_int_equal(s->n, 1);
	assert_string_equal(s->f[0].device, "/dev/sda2");
	assert_false(s->f[0].exact);
	assert_int_equal(s->f[0].start, 24);
	assert_int_equal(s->f[0].end, 35);
	grub_scan_free(s);
	/* A multi-line double-quoted value: the device is on the second line. */
	s = scan_text("/etc/default/grub", GRUB_SRC_DEFAULT,
		      "GRUB_CMDLINE_LINUX=\"quiet\n  resume=/dev/vdb1 splash\"\n");
	assert_int_equal(s->n, 1);
	assert_int_equal(s->f[0].line, 2);
	assert_int_equal(s->f[0].line_off, 26);
	assert_int_equal(s->f[0].start, 9);
	assert_int_equal(s->f[0].end, 18);
	assert_true(s->f[0].exact);
	grub_scan_free(s);
	/* A backslash-newline continues a grub.cfg linux line. */
	s = scan_text("/boot/grub/grub.cfg", GRUB_SRC_CFG,
		      "menuentry 'x' {\n\tlinux /vmlinuz ro \\\n\t  root=/dev/nvme0n1p2\n}\n");
	assert_int_equal(s->n, 1);
	assert_int_equal(s->f[0].line, 3);
	assert_string_equal(s->f[0].device, "/dev/nvme0n1p2");
	assert_int_equal(s->f[0].start, 8);
	grub_scan_free(s);
	/* Comments and non-kernel lines are not kernel parameters. */
	s = scan_text("/boot/grub/grub.cfg", GRUB_SRC_CFG,
		      "# linux /vmlinuz root=/dev/sda1\n"
		      "\tlinux /vmlinuz root=UUID=1 # resume=/dev/sda9\n"
		      "\tinitrd /initrd root=/dev/sda3\n"
		      "\techo 'linux /vmlinuz root=/dev/sda4'\n");
	assert_int_equal(s->n, 0);
	assert_int_equal(s->files[0].params, 1);
	grub_scan_free(s);
}

static void test_odd_input(void **state)
{
	(void)state;
	/* CRLF: the same offsets, the line shown without "\r". */
	struct grub_scan *s =
		scan_text("/boot/grub/menu.lst", GRUB_SRC_LEGACY,
			  "title x\r\n\tkernel /vmlinuz root=/dev/sda2 resume=/dev/sda1\r\n");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->f[1].line, 2);
	assert_int_equal(s->f[1].line_off, 9);
	assert_int_equal(s->f[1].start, 39);
	assert_int_equal(s->f[1].end, 48);
	assert_string_equal(s->f[1].text, "\tkernel /vmlinuz root=/dev/sda2 resume=/dev/sda1");
	grub_scan_free(s);

	/* A line of 2 MB with the device name at its end. */
	struct sbuf b = { 0 };
	sb_add(&b, "options");
	for (int i = 0; i < 200000; i++)
		sb_add(&b, " quiet=xx");
	size_t at = b.len + strlen(" root=");
	sb_add(&b, " root=/dev/vdc7\n");
	s = grub_scan_new();
	grub_scan_data(s, BLS_ENTRY, GRUB_SRC_BLS, b.s, b.len);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->f[0].start, at);
	assert_int_equal(s->f[0].end, at + 9);
	assert_int_equal(strlen(s->f[0].text), b.len - 1);
	grub_scan_free(s);
	sb_free(&b);

	/* Binary data: NUL bytes and junk; the line after it is still read. */
	const char bin[] = "\x7f"
			   "ELF\x02\x01\x01\0\0\0linux root=/dev/sda1\0\xff\xfe\n"
			   "\tlinux /vmlinuz root=/dev/sdb2\n";
	s = grub_scan_new();
	grub_scan_data(s, "/boot/grub/grub.cfg", GRUB_SRC_CFG, bin, sizeof bin - 1);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->f[0].device, "/dev/sdb2");
	assert_int_equal(s->f[0].line, 2);
	assert_int_equal(s->problems.n, 1);
	assert_non_null(strstr(s->problems.v[0], "binary data"));
	grub_scan_free(s);

	/* Unterminated quotes, a lone backslash, an empty file, no final newline. */
	const char *junk[] = { "GRUB_CMDLINE_LINUX=\"root=/dev/sda1",
			       "GRUB_CMDLINE_LINUX='",
			       "\\",
			       "",
			       "=\n==\n'\"'\"",
			       "GRUB_CMDLINE_LINUX=root=/dev/sda1" };
	for (size_t i = 0; i < ARRAY_LEN(junk); i++) {
		s = scan_text("/etc/default/grub", GRUB_SRC_DEFAULT, junk[i]);
		if (i == 0 || i == 5) {
			assert_int_equal(s->n, 1);
			assert_string_equal(s->f[0].device, "/dev/sda1");
		} else {
			assert_int_equal(s->n, 0);
		}
		grub_scan_free(s);
	}

	/* Random input from a small alphabet full of quoting: every finding's
	 * span must hold its device (when exact) and lie inside its line. */
	static const char *const bits[] = {
		"root=",       "resume=", "/dev/sda1", "/dev/nvme0n1p2",
		"\"",          "'",       "\\",        "\n",
		" ",           "\t",      "\r",        "#",
		"linux",       "kernel",  "options",   "GRUB_CMDLINE_LINUX=",
		"kernelopts=", "x",       "UUID=",     "$",
		"\0"
	};
	unsigned seed = 12345;
	for (int round = 0; round < 3000; round++) {
		struct sbuf in = { 0 };
		int parts = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
		for (int k = 0; k < parts; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *bit = bits[(seed >> 16) % ARRAY_LEN(bits)];
			sb_addn(&in, bit, *bit ? strlen(bit) : 1);
		}
		enum grub_source src = (enum grub_source)(round % 7);
		s = grub_scan_new();
		grub_scan_data(s, "/f", src, in.s ? in.s : "", in.len);
		for (size_t i = 0; i < s->n; i++) {
			const struct grub_finding *f = &s->f[i];
			assert_true(f->start <= f->end);
			assert_true(f->end <= strlen(f->text));
			assert_true(f->line_off + f->end <= in.len);
			if (f->exact && f->param != GRUB_PARAM_DISABLE_UUID)
				assert_memory_equal(in.s + f->line_off + f->start, f->device,
						    f->end - f->start);
		}
		grub_scan_free(s);
		sb_free(&in);
	}
}

static void test_none_is_not_applicable(void **state)
{
	(void)state;
	char *finding = NULL;
	assert_int_equal(check_status_on(FIX "none", "grub.device_names", &finding), STATUS_NA);
	assert_non_null(strstr(finding, "/boot/grub2/grub.cfg"));
	assert_non_null(strstr(finding, "/boot/loader/entries/*.conf"));
	assert_non_null(strstr(finding, "/etc/default/grub"));
	free(finding);
	assert_int_equal(check_status_on(FIX "none", "fstab.device_names", NULL), STATUS_NA);
	/* Not a Linux machine. */
	struct target *t = root_target(FIX "debian-broken");
	t->os = TARGET_OS_WINDOWS;
	struct check_result r;
	run_check(t, "grub.device_names", &r);
	assert_int_equal(r.status, STATUS_NA);
	result_free(&r);
	target_free(t);
}

static void test_fstab_mixed_entries(void **state)
{
	(void)state;
	struct grub_scan *s = scan_fixture("debian-broken", GRUB_SCAN_FSTAB);
	assert_true(s->fstab_found);
	assert_int_equal(s->n, 3);
	assert_finding(FIX "debian-broken", &s->f[0], "/etc/fstab", 5, GRUB_PARAM_FSTAB,
		       "/dev/sdb1", 0, 9);
	/* by-id names the disk by its serial: unstable across a failover. */
	assert_finding(FIX "debian-broken", &s->f[1], "/etc/fstab", 10, GRUB_PARAM_FSTAB,
		       "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi1-part1", 0, 58);
	assert_finding(FIX "debian-broken", &s->f[2], "/etc/fstab", 11, GRUB_PARAM_FSTAB,
		       "/dev/nvme0n1p3", 2, 16);
	grub_scan_free(s);
	char *finding = NULL;
	/* A warning, not a failure. */
	assert_int_equal(check_status_on(FIX "debian-broken", "fstab.device_names", &finding),
			 STATUS_WARN);
	assert_non_null(strstr(finding, "/dev/sdb1 in /etc/fstab line 5"));
	free(finding);
}

#define FS_ROOT "11111111-2222-4333-8444-555555555555"
#define FS_SWAP "66666666-7777-4888-9999-000000000000"
#define OS_PROBER                                                                                  \
	"### BEGIN /etc/grub.d/30_os-prober ###\n"                                                 \
	"menuentry 'Ubuntu 22.04.3 LTS (22.04) (on /dev/sdb3)' --class ubuntu --class gnu-linux "  \
	"--class gnu --class os $menuentry_id_option "                                             \
	"'osprober-gnulinux-simple-9c2d4e6f-1a3b-4c5d-8e7f-0a1b2c3d4e5f' {\n"                      \
	"\tinsmod part_msdos\n\tinsmod ext2\n\tset root='hd1,msdos3'\n"                            \
	"\tlinux /boot/vmlinuz-5.15.0-91-generic root=/dev/sdb3 ro quiet splash\n"                 \
	"\tinitrd /boot/initrd.img-5.15.0-91-generic\n}\n"                                         \
	"### END /etc/grub.d/30_os-prober ###\n"

/* Makes the article's SLES machine in a temporary folder: grub2 with
 * root=/dev/sda2 and resume=/dev/sda1 (and, with os_prober, a menu entry
 * os-prober made for another system on /dev/sdb3), an fstab that mounts /
 * and swap by UUID, and under dev/ decoys with the same names: the rescue
 * machine's disks as a bind-mounted /dev shows them (mkfs.ext4 -U ROOT_UUID,
 * mkswap -U SWAP_UUID), never to be used. With mounted, a real image with
 * fstab's root UUID outside the root, and a recorded host mount table
 * (ASR_DOCTOR_MOUNTINFO) mounting it at the root. */
static char *make_sles_root(bool mounted, bool os_prober)
{
	char *tmp = tu_mkdtemp("grub-uuid");
	char *p = xasprintf("%s/boot/grub2/grub.cfg", tmp);
	tu_write_file(p, os_prober ? "menuentry 'SLES12' {\n\t" ARTICLE_LINUX "}\n" OS_PROBER
				   : "menuentry 'SLES12' {\n\t" ARTICLE_LINUX "}\n");
	free(p);
	p = xasprintf("%s/etc/fstab", tmp);
	tu_write_file(p, "UUID=" FS_ROOT " / ext3 acl 1 1\nUUID=" FS_SWAP " swap swap defaults 0 0\n");
	free(p);
	int rc = tu_sh(NULL,
		       "mkdir -p '%s/dev' && cd '%s/dev' && truncate -s 64M sda2 && "
		       "mkfs.ext4 -q -F -U " ROOT_UUID " sda2 && cp sda2 sdb3 && truncate -s 16M sda1 && "
		       "mkswap -U " SWAP_UUID " sda1 >/dev/null 2>&1",
		       tmp, tmp);
	assert_int_equal(rc, 0);
	if (mounted) {
		rc = tu_sh(NULL,
			   "truncate -s 64M '%s.img' && mkfs.ext4 -q -F -U " FS_ROOT " '%s.img' && "
			   "printf '23 1 8:1 / / rw - ext4 /dev/sda1 rw\\n"
			   "90 23 8:18 / %s rw,relatime - ext4 %s.img rw\\n"
			   "91 90 0:5 / %s/dev rw - devtmpfs udev rw\\n' > '%s.mountinfo'",
			   tmp, tmp, tmp, tmp, tmp, tmp);
		assert_int_equal(rc, 0);
		char *mi = xasprintf("%s.mountinfo", tmp);
		setenv("ASR_DOCTOR_MOUNTINFO", mi, 1);
		free(mi);
	} else {
		unsetenv("ASR_DOCTOR_MOUNTINFO");
	}
	return tmp;
}

/* Removes what make_sles_root made. */
static void drop_sles_root(char *tmp)
{
	unsetenv("ASR_DOCTOR_MOUNTINFO");
	assert_int_equal(tu_sh(NULL, "rm -f '%s.img' '%s.mountinfo'", tmp, tmp), 0);
	tu_rmtree(tmp);
	free(tmp);
}

/* A mounted root: the UUID of root= is what the host mounts at the root
 * folder (a libblkid probe of the host's device, here an image named by
 * the recorded mount table), the UUID of resume= is fstab's only swap; the
 * decoys in the root's /dev are never probed. */
static void test_mounted_root_uuid_from_the_host_mount(void **state)
{
	(void)state;
	char *tmp = make_sles_root(true, false);
	struct target *t = root_target(tmp);
	struct grub_scan *s = grub_scan(t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_int_equal(s->n, 2);
	assert_finding(tmp, &s->f[0], "/boot/grub2/grub.cfg", 2, GRUB_PARAM_ROOT, "/dev/sda2", 45,
		       54);
	assert_int_equal(s->f[0].id.origin, BLKDEV_ORIGIN_MOUNT);
	assert_string_equal(s->f[0].id.uuid, FS_ROOT);
	assert_string_equal(s->f[0].id.type, "ext4");
	char *img = xasprintf("libblkid probe of %s.img, which this machine mounts at %s", tmp, tmp);
	assert_non_null(strstr(s->f[0].id.source, img));
	free(img);
	assert_int_equal(s->f[1].id.origin, BLKDEV_ORIGIN_FSTAB);
	assert_string_equal(s->f[1].id.uuid, FS_SWAP);
	assert_int_equal(s->f[1].id.line, 2);
	assert_non_null(strstr(s->f[1].id.source, "every resume= of this root's own boot entries "
						  "names /dev/sda1"));
	assert_non_null(strstr(s->identity, "is mounted from"));
	grub_scan_free(s);
	struct check_result r;
	run_check(t, "grub.device_names", &r);
	assert_int_equal(r.status, STATUS_FAIL);
	assert_true(evidence_has(&r, "root=/dev/sda2 -> root=UUID=" FS_ROOT
				     " (ext4; libblkid probe of "));
	assert_true(evidence_has(&r, "resume=/dev/sda1 -> resume=UUID=" FS_SWAP));
	assert_true(evidence_has(&r, "never through its /dev"));
	assert_false(evidence_has(&r, ROOT_UUID));
	assert_false(evidence_has(&r, SWAP_UUID));
	result_free(&r);
	target_free(t);
	/* fstab's UUID is not the mounted filesystem's: root= is left unknown. */
	char *p = xasprintf("%s/etc/fstab", tmp);
	tu_write_file(p, "UUID=" ROOT_UUID " / ext3 acl 1 1\nUUID=" FS_SWAP " swap swap defaults 0 0\n");
	free(p);
	t = root_target(tmp);
	s = grub_scan(t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_null(s->f[0].id.uuid);
	assert_non_null(strstr(s->f[0].id.why, "not the same filesystem"));
	grub_scan_free(s);
	target_free(t);
	drop_sles_root(tmp);
}

/* A menu entry os-prober made for another system (root=/dev/sdb3) never
 * gets this root's UUID, nor the decoy's. */
static void test_os_prober_entry_is_not_this_root(void **state)
{
	(void)state;
	char *tmp = make_sles_root(true, true);
	struct target *t = root_target(tmp);
	struct grub_scan *s = grub_scan(t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_int_equal(s->n, 3);
	assert_string_equal(s->f[2].device, "/dev/sdb3");
	assert_true(s->f[2].foreign);
	assert_false(s->f[0].foreign);
	assert_null(s->f[2].id.uuid);
	assert_non_null(strstr(s->f[2].id.why, "os-prober made for another system"));
	assert_string_equal(s->f[0].id.uuid, FS_ROOT);
	grub_scan_free(s);
	target_free(t);
	/* Without the os-prober section markers: two root devices in this
	 * root's entries, and fstab mounts / by UUID: neither is guessed. */
	char *p = xasprintf("%s/boot/grub2/grub.cfg", tmp);
	tu_write_file(p, "menuentry 'SLES12' {\n\t" ARTICLE_LINUX "}\n"
			 "menuentry 'Other' {\n\tlinux /vmlinuz root=/dev/sdb3 ro\n}\n");
	free(p);
	t = root_target(tmp);
	s = grub_scan(t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_int_equal(s->n, 3);
	assert_null(s->f[0].id.uuid);
	assert_null(s->f[2].id.uuid);
	assert_non_null(strstr(s->f[0].id.why, "name several root devices"));
	grub_scan_free(s);
	target_free(t);
	drop_sles_root(tmp);
}

/* Not a mount point (a copied tree): fstab's UUIDs stand in, tied by the
 * root's own entries; never a link in the root's /dev. */
static void test_uuid_fallbacks(void **state)
{
	(void)state;
	char *tmp = make_sles_root(false, false);
	struct target *t = root_target(tmp);
	struct grub_scan *s = grub_scan(t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->f[0].id.origin, BLKDEV_ORIGIN_FSTAB);
	assert_string_equal(s->f[0].id.uuid, FS_ROOT);
	assert_int_equal(s->f[0].id.line, 1);
	assert_non_null(strstr(s->f[0].id.source, "the entry mounted on /"));
	assert_int_equal(s->f[1].id.origin, BLKDEV_ORIGIN_FSTAB);
	assert_string_equal(s->f[1].id.uuid, FS_SWAP);
	assert_int_equal(s->f[1].id.line, 2);
	grub_scan_free(s);

	/* Two swap entries: which one resume= means cannot be told. */
	char *p = xasprintf("%s/etc/fstab", tmp);
	tu_write_file(p, "UUID=" FS_ROOT " / ext3 acl 1 1\nUUID=" FS_SWAP " swap swap defaults 0 0\n"
			 "/swapfile none swap defaults 0 0\n");
	s = grub_scan(t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_string_equal(s->f[0].id.uuid, FS_ROOT);
	assert_null(s->f[1].id.uuid);
	assert_int_equal(s->f[1].id.origin, BLKDEV_ORIGIN_NONE);
	assert_non_null(strstr(s->f[1].id.why, "2 swap entries"));
	grub_scan_free(s);
	struct check_result r;
	run_check(t, "grub.device_names", &r);
	assert_true(evidence_has(&r, "resume=/dev/sda1: UUID unknown: "));
	assert_true(evidence_has(&r, "is not a mount point"));
	result_free(&r);

	/* A /dev/disk/by-uuid link in the root's /dev is never used. */
	free(p);
	p = xasprintf("%s/dev/disk/by-uuid", tmp);
	assert_int_equal(tu_sh(NULL,
			       "mkdir -p '%s' && ln -s ../../sda2 "
			       "'%s/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'",
			       p, p),
			 0);
	s = grub_scan(t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	assert_int_equal(s->f[0].id.origin, BLKDEV_ORIGIN_FSTAB);
	assert_string_equal(s->f[0].id.uuid, FS_ROOT);
	grub_scan_free(s);
	free(p);
	target_free(t);
	drop_sles_root(tmp);
}

static void test_unreadable_and_duplicate_files(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("grub-links");
	/* menu.lst is a link to grub.conf (RHEL 6): scanned once. */
	char *p = xasprintf("%s/boot/grub/grub.conf", tmp);
	tu_write_file(p, "title x\n\tkernel /vmlinuz root=/dev/hda1\n");
	free(p);
	assert_int_equal(tu_sh(NULL,
			       "ln -s grub.conf '%s/boot/grub/menu.lst' && "
			       "mkdir -p '%s/boot/grub2' && mkdir '%s/boot/grub2/grub.cfg'",
			       tmp, tmp, tmp),
			 0);
	struct target *t = root_target(tmp);
	struct grub_scan *s = grub_scan(t, GRUB_SCAN_BOOT);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->f[0].path, "/boot/grub/menu.lst");
	assert_string_equal(s->f[0].device, "/dev/hda1");
	/* A folder where grub.cfg should be: found, but not readable. */
	assert_int_equal(s->nfiles, 2);
	assert_string_equal(s->files[1].path, "/boot/grub2/grub.cfg");
	assert_true(s->files[1].err < 0);
	assert_int_equal(s->problems.n, 1);
	grub_scan_free(s);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_pattern_in_each_file),
		cmocka_unit_test(test_by_path_and_by_id_fail_with_reason),
		cmocka_unit_test(test_debian_update_grub_uses_uuids),
		cmocka_unit_test(test_debian_broken_grub_cfg),
		cmocka_unit_test(test_sles11_menu_lst),
		cmocka_unit_test(test_sles12_grub2_and_default),
		cmocka_unit_test(test_rhel7_linux16_mapper_passes),
		cmocka_unit_test(test_rhel9_bls_grubenv_cmdline),
		cmocka_unit_test(test_rhel8_fallback_kernelopts),
		cmocka_unit_test(test_uefi_copy),
		cmocka_unit_test(test_default_grub_quoting_and_disable_uuid),
		cmocka_unit_test(test_disable_uuid_last_assignment_wins),
		cmocka_unit_test(test_quotes_splitting_a_device),
		cmocka_unit_test(test_odd_input),
		cmocka_unit_test(test_none_is_not_applicable),
		cmocka_unit_test(test_fstab_mixed_entries),
		cmocka_unit_test(test_mounted_root_uuid_from_the_host_mount),
		cmocka_unit_test(test_os_prober_entry_is_not_this_root),
		cmocka_unit_test(test_uuid_fallbacks),
		cmocka_unit_test(test_unreadable_and_duplicate_files),
	};
	return cmocka_run_group_tests_name("grub", tests, NULL, NULL);
}
