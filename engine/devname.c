/* devname.c: the patterns of device names, stable and unstable; see
 * devname.h for the list and why each is (un)stable. */
#include "engine/devname.h"

#include <string.h>

#include "engine/check.h"

/* Counts the characters at s[i..n) of a class: 'a' lowercase letters, '0' digits. */
static size_t span_class(const char *s, size_t i, size_t n, char cls)
{
	size_t k = i;
	while (k < n && (cls == 'a' ? (s[k] >= 'a' && s[k] <= 'z') : (s[k] >= '0' && s[k] <= '9')))
		k++;
	return k - i;
}

/* The number written in s[i..i+d), capped so it cannot overflow. */
static int number_at(const char *s, size_t i, size_t d)
{
	int v = 0;
	for (size_t k = 0; k < d; k++)
		v = v > 100000 ? v : v * 10 + (s[i + k] - '0');
	return v;
}

/* Parses "Xn[pM]" style names: prefix, digits, then an optional separator
 * letter and digits (nvme0n1p2: "nvme" 0 'n' 1 'p' 2). Returns false when
 * s[i..n) does not have that form. */
static bool split_numbered(const char *s, size_t i, size_t n, const char *prefix, bool ns,
			   size_t *disk_end, int *part)
{
	size_t pl = strlen(prefix);
	if (n - i <= pl || strncmp(s + i, prefix, pl) != 0)
		return false;
	size_t j = i + pl, d = span_class(s, j, n, '0');
	if (d == 0)
		return false;
	j += d;
	if (ns) { /* nvme: the namespace "nY" belongs to the disk */
		if (j >= n || s[j] != 'n')
			return false;
		j++;
		d = span_class(s, j, n, '0');
		if (d == 0)
			return false;
		j += d;
	}
	*disk_end = j;
	*part = 0;
	if (j == n)
		return true;
	if (s[j] != 'p')
		return false;
	d = span_class(s, j + 1, n, '0');
	if (d == 0 || j + 1 + d != n)
		return false;
	*part = number_at(s, j + 1, d);
	return true;
}

/* Kernel names: the disk prefixes whose letters the kernel assigns in the
 * order it finds the disks, and the numbered kinds. */
static bool kernel_split(const char *s, size_t n, size_t *disk_len, int *part)
{
	size_t i = n >= 5 && strncmp(s, "/dev/", 5) == 0 ? 5 : 0;
	size_t end = 0;
	static const char *const lettered[] = { "xvd", "sd", "vd", "hd" };
	for (size_t k = 0; k < ARRAY_LEN(lettered); k++) {
		size_t pl = strlen(lettered[k]);
		if (n - i < pl || strncmp(s + i, lettered[k], pl) != 0)
			continue;
		size_t j = i + pl, letters = span_class(s, j, n, 'a');
		if (letters == 0)
			return false;
		j += letters;
		size_t d = span_class(s, j, n, '0');
		if (j + d != n)
			return false;
		*disk_len = j - i;
		*part = d ? number_at(s, j, d) : 0;
		return true;
	}
	if (split_numbered(s, i, n, "nvme", true, &end, part) ||
	    split_numbered(s, i, n, "mmcblk", false, &end, part)) {
		*disk_len = end - i;
		return true;
	}
	return false;
}

/* Splits a kernel name into disk and partition. */
bool devname_kernel_split(const char *name, size_t *disk_len, int *part)
{
	return name && kernel_split(name, strlen(name), disk_len, part);
}

/* Whether s[0..n) starts with the NUL-terminated prefix p. */
static bool starts(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && strncmp(s, p, pl) == 0;
}

/* Whether s[0..n) is one non-empty path component (no '/', not . or ..). */
static bool one_component(const char *s, size_t n)
{
	if (n == 0 || memchr(s, '/', n) || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	return true;
}

/* /dev/X folders that are not LVM volume groups. */
static bool not_a_vg(const char *s, size_t n)
{
	static const char *const not_vg[] = { "disk",  "md",  "block",     "char",   "bus",
					      "input", "net", "pts",       "shm",    "snd",
					      "dri",   "cpu", "hugepages", "mqueue", "vfio",
					      "usb",   "fd",  "mapper" };
	for (size_t k = 0; k < ARRAY_LEN(not_vg); k++)
		if (strlen(not_vg[k]) == n && strncmp(s, not_vg[k], n) == 0)
			return true;
	return false;
}

/* Tries the list in order: tags, /dev/disk links, mapper and LVM, kernel names. */
enum devname_kind devname_kind(const char *s, size_t n)
{
	if (!s || n == 0 || memchr(s, '\0', n))
		return DEVNAME_NONE;
	static const char *const tags[] = { "UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=" };
	for (size_t k = 0; k < ARRAY_LEN(tags); k++)
		if (starts(s, n, tags[k]))
			return n > strlen(tags[k]) ? DEVNAME_TAG : DEVNAME_NONE;
	if (!starts(s, n, "/dev/"))
		return DEVNAME_NONE;
	static const struct {
		const char *dir;
		enum devname_kind kind;
	} links[] = { { "/dev/disk/by-uuid/", DEVNAME_BY_STABLE },
		      { "/dev/disk/by-label/", DEVNAME_BY_STABLE },
		      { "/dev/disk/by-partuuid/", DEVNAME_BY_STABLE },
		      { "/dev/disk/by-partlabel/", DEVNAME_BY_STABLE },
		      { "/dev/disk/by-path/", DEVNAME_BY_PATH },
		      { "/dev/disk/by-id/", DEVNAME_BY_ID } };
	for (size_t k = 0; k < ARRAY_LEN(links); k++) {
		size_t dl = strlen(links[k].dir);
		if (starts(s, n, links[k].dir))
			return one_component(s + dl, n - dl) ? links[k].kind : DEVNAME_OTHER_DEV;
	}
	if (starts(s, n, "/dev/mapper/"))
		return one_component(s + 12, n - 12) ? DEVNAME_LVM : DEVNAME_OTHER_DEV;
	size_t disk_len;
	int part;
	if (kernel_split(s, n, &disk_len, &part))
		return DEVNAME_KERNEL;
	const char *rest = s + 5, *slash = memchr(rest, '/', n - 5);
	if (slash) {
		size_t vl = (size_t)(slash - rest);
		size_t ll = n - 5 - vl - 1;
		if (one_component(rest, vl) && one_component(slash + 1, ll) && !not_a_vg(rest, vl))
			return DEVNAME_LVM;
	}
	return DEVNAME_OTHER_DEV;
}

/* devname_kind of a C string. */
enum devname_kind devname_kind_str(const char *s)
{
	return devname_kind(s, s ? strlen(s) : 0);
}

/* Kernel names and the by-path and by-id links. */
bool devname_unstable(enum devname_kind k)
{
	return k == DEVNAME_KERNEL || k == DEVNAME_BY_PATH || k == DEVNAME_BY_ID;
}

/* Everything but DEVNAME_NONE. */
bool devname_is_block(enum devname_kind k)
{
	return k != DEVNAME_NONE;
}

/* The reason each unstable kind changes on a failover. */
const char *devname_why_unstable(enum devname_kind k)
{
	switch (k) {
	case DEVNAME_KERNEL:
		return T("kernel names are given in the order the disks are found, which differs "
			 "on the failed-over machine",
			 "内核设备名按发现磁盘的顺序分配，故障转移后的机器上顺序不同");
	case DEVNAME_BY_PATH:
		return T("/dev/disk/by-path names follow the controller and bus path, which are "
			 "new on the failed-over machine",
			 "/dev/disk/by-path 名称取决于控制器和总线路径，故障转移后的机器上会改变");
	case DEVNAME_BY_ID:
		return T("/dev/disk/by-id names carry the disk's model and serial number, which "
			 "are new on the failed-over machine",
			 "/dev/disk/by-id 名称包含磁盘型号和序列号，故障转移后的机器上会改变");
	default:
		return NULL;
	}
}

/* One line naming every unstable pattern. */
const char *devname_unstable_list(void)
{
	return "/dev/sdX, /dev/hdX, /dev/vdX, /dev/xvdX, /dev/nvmeXnY, /dev/mmcblkX, "
	       "/dev/disk/by-path, /dev/disk/by-id";
}
