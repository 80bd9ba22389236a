/* fuzz_grub.c: the boot loader and fstab scanner (grub_scan_data) on the
 * same bytes read as each kind of file it knows: GRUB legacy menu.lst,
 * grub.cfg, /etc/default/grub, a BLS entry, grubenv, /etc/kernel/cmdline
 * and /etc/fstab. Each finding's byte span is checked against the input,
 * since the 95320 fix replaces exactly that span in the file. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/devname.h"
#include "engine/grub.h"

FUZZ_DECLARE(grub);

static const struct {
	enum grub_source src;
	const char *path;
} kinds[] = {
	{ GRUB_SRC_LEGACY, "/boot/grub/menu.lst" },
	{ GRUB_SRC_CFG, "/boot/grub2/grub.cfg" },
	{ GRUB_SRC_DEFAULT, "/etc/default/grub" },
	{ GRUB_SRC_BLS, "/boot/loader/entries/fuzz.conf" },
	{ GRUB_SRC_GRUBENV, "/boot/grub2/grubenv" },
	{ GRUB_SRC_CMDLINE, "/etc/kernel/cmdline" },
	{ GRUB_SRC_FSTAB, "/etc/fstab" },
};

/* A finding's span is where it says it is, in its line and in the file. */
static void check_finding(const struct grub_finding *f, const uint8_t *data, size_t size)
{
	if (!f->path || !f->text || !f->device || f->line < 1)
		fuzz_fail("grub: finding without path, text, device or line");
	size_t tl = strlen(f->text);
	if (f->start > f->end || f->end > tl)
		fuzz_fail("grub: %s:%d span [%zu,%zu) outside its line of %zu bytes", f->path,
			  f->line, f->start, f->end, tl);
	if (f->line_off > size || f->line_off + tl > size)
		fuzz_fail("grub: %s:%d line at offset %zu (+%zu) outside the file of %zu bytes",
			  f->path, f->line, f->line_off, tl, size);
	for (size_t i = 0; i < tl; i++) {
		unsigned char c = data[f->line_off + i];
		if (c == '\n')
			fuzz_fail("grub: %s:%d text runs past its line", f->path, f->line);
		if ((unsigned char)f->text[i] != (c ? c : '?'))
			fuzz_fail("grub: %s:%d text differs from the file at byte %zu", f->path,
				  f->line, f->line_off + i);
	}
	if (f->param != GRUB_PARAM_DISABLE_UUID && f->exact) {
		size_t dl = strlen(f->device);
		if (dl != f->end - f->start || memcmp(f->text + f->start, f->device, dl) != 0)
			fuzz_fail("grub: %s:%d exact span '%.*s' is not the device '%s'", f->path,
				  f->line, (int)(f->end - f->start), f->text + f->start, f->device);
	}
}

int FUZZ_ENTRY(grub)(const uint8_t *data, size_t size)
{
	struct grub_scan *s = grub_scan_new();
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t before = s->n;
		grub_scan_data(s, kinds[k].path, kinds[k].src, (const char *)data, size);
		for (size_t i = before; i < s->n; i++) {
			if (s->f[i].source != kinds[k].src ||
			    strcmp(s->f[i].path, kinds[k].path) != 0)
				fuzz_fail("grub: finding of %s filed under %s", kinds[k].path,
					  s->f[i].path);
			check_finding(&s->f[i], data, size);
		}
	}
	if (s->nfiles != sizeof kinds / sizeof kinds[0])
		fuzz_fail("grub: %zu files recorded for %zu scans", s->nfiles,
			  sizeof kinds / sizeof kinds[0]);
	grub_scan_free(s);
	enum devname_kind k = devname_kind((const char *)data, size);
	if (devname_unstable(k) && !devname_is_block(k))
		fuzz_fail("grub: an unstable name that is not a device");
	return 0;
}
