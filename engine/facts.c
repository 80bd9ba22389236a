/* facts.c: host name, OS, kernel, disks and mounts of the examined machine,
 * read through the target, and their JSON form in reports. */
#include "engine/facts.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/blkdev.h"
#include "engine/jsonread.h"
#include "engine/osrelease.h"

/* A copy of s with control characters replaced by '?', so text read from
 * the machine cannot move the cursor of a terminal that shows a report. */
static char *clean(const char *s)
{
	char *c = xstrdup(s ? s : FACTS_UNKNOWN);
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

/* The first line of a small file on the target, trimmed; NULL when the
 * file cannot be read or the line is empty. */
static char *first_line(struct target *t, const char *path)
{
	char *text = NULL;
	if (target_read(t, path, &text, NULL) < 0)
		return NULL;
	text[strcspn(text, "\r\n")] = '\0';
	char *v = str_trim(text);
	char *r = *v ? clean(v) : NULL;
	free(text);
	return r;
}

static void gather_host(struct target *t, struct facts *f)
{
	static const char *const live_order[] = { "/proc/sys/kernel/hostname", "/etc/hostname" };
	static const char *const root_order[] = { "/etc/hostname", "/proc/sys/kernel/hostname" };
	const char *const *order = t->live ? live_order : root_order;
	for (size_t i = 0; i < 2; i++) {
		char *h = first_line(t, order[i]);
		if (h) {
			f->hostname = h;
			f->hostname_from = xstrdup(order[i]);
			return;
		}
	}
	f->hostname = xstrdup(FACTS_UNKNOWN);
	f->hostname_from = xstrdup(FACTS_UNKNOWN);
}

static void gather_os(struct target *t, struct facts *f)
{
	struct os_release os;
	struct os_source src = { 0 };
	if (os_detect(t, &os, &src) == 0) {
		if (os.pretty_name && *os.pretty_name)
			f->os = clean(os.pretty_name);
		else if (os.name) {
			char *n = xasprintf("%s%s%s", os.name, os.version_id ? " " : "",
					    os.version_id ? os.version_id : "");
			f->os = clean(n);
			free(n);
		}
		f->os_id = clean(os.id);
		f->os_version = clean(os.version_id);
		f->os_from = clean(src.path);
	}
	os_release_free(&os);
	free(src.refined);
	if (!f->os)
		f->os = xstrdup(FACTS_UNKNOWN);
	if (!f->os_id)
		f->os_id = xstrdup(FACTS_UNKNOWN);
	if (!f->os_version)
		f->os_version = xstrdup(FACTS_UNKNOWN);
	if (!f->os_from)
		f->os_from = xstrdup(FACTS_UNKNOWN);
}

static void gather_kernel(struct target *t, struct facts *f)
{
	const char *from = NULL;
	char *k = os_kernel_version(t, &from);
	f->kernel = clean(k);
	f->kernel_from = clean(k ? from : NULL);
	free(k);
}

static void gather_disks(struct target *t, struct facts *f)
{
	struct strvec names = { 0 };
	int n = blkdev_list_disks(t, &names);
	f->disks_from = xstrdup(n >= 0 ? "/sys/block" : FACTS_UNKNOWN);
	f->disks = xcalloc(names.n ? names.n : 1, sizeof *f->disks);
	for (size_t i = 0; i < names.n; i++) {
		struct fact_disk *d = &f->disks[f->ndisks++];
		d->name = clean(names.v[i]);
		d->size = -1;
		d->removable = -1;
		char *p = xasprintf("/sys/block/%s/size", names.v[i]);
		char *v = first_line(t, p);
		long sectors;
		if (v && str_to_long(v, &sectors) && sectors >= 0 && sectors < (1L << 54))
			d->size = (long long)sectors * 512;
		free(v);
		free(p);
		p = xasprintf("/sys/block/%s/device/model", names.v[i]);
		d->model = first_line(t, p);
		if (!d->model)
			d->model = xstrdup(FACTS_UNKNOWN);
		free(p);
		p = xasprintf("/sys/block/%s/removable", names.v[i]);
		v = first_line(t, p);
		if (v && (strcmp(v, "0") == 0 || strcmp(v, "1") == 0))
			d->removable = v[0] == '1';
		free(v);
		free(p);
	}
	sv_free(&names);
}

/* File systems of the kernel's own (proc, sysfs, cgroups...), which say
 * nothing about the machine's disks. */
static bool pseudo_fs(const char *type)
{
	static const char *const skip[] = {
		"proc",	     "sysfs",	 "devtmpfs", "devpts",	 "tmpfs",    "cgroup",	   "cgroup2",
		"securityfs", "pstore",	 "bpf",	     "debugfs",	 "tracefs",  "mqueue",	   "hugetlbfs",
		"configfs",  "fusectl",	 "autofs",   "binfmt_misc", "efivarfs", "nsfs",	   "rpc_pipefs",
		"ramfs",     "selinuxfs", "rootfs",   "fuse.gvfsd-fuse", "fuse.portal", "devfs",
	};
	for (size_t i = 0; i < ARRAY_LEN(skip); i++)
		if (strcmp(type, skip[i]) == 0)
			return true;
	return false;
}

static void gather_mounts(struct target *t, struct facts *f)
{
	struct blkdev_mounts m;
	int rc = blkdev_mounts_load(t, &m);
	f->mounts_from = clean(rc == 0 ? m.path : NULL);
	f->mounts = xcalloc(m.n ? m.n : 1, sizeof *f->mounts);
	for (size_t i = 0; rc == 0 && i < m.n; i++) {
		if (pseudo_fs(m.e[i].fstype))
			continue;
		struct fact_mount *x = &f->mounts[f->nmounts++];
		x->source = clean(m.e[i].source);
		x->dir = clean(m.e[i].dir);
		x->fstype = clean(m.e[i].fstype);
	}
	blkdev_mounts_free(&m);
}

void facts_gather(struct target *t, struct facts *out)
{
	memset(out, 0, sizeof *out);
	gather_host(t, out);
	gather_os(t, out);
	gather_kernel(t, out);
	gather_disks(t, out);
	gather_mounts(t, out);
}

void facts_unknown(struct facts *out)
{
	memset(out, 0, sizeof *out);
	char **fields[] = { &out->hostname, &out->hostname_from, &out->os,     &out->os_id,
			    &out->os_version, &out->os_from,     &out->kernel, &out->kernel_from,
			    &out->disks_from, &out->mounts_from };
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		*fields[i] = xstrdup(FACTS_UNKNOWN);
}

void facts_free(struct facts *f)
{
	if (!f)
		return;
	free(f->hostname);
	free(f->hostname_from);
	free(f->os);
	free(f->os_id);
	free(f->os_version);
	free(f->os_from);
	free(f->kernel);
	free(f->kernel_from);
	for (size_t i = 0; i < f->ndisks; i++) {
		free(f->disks[i].name);
		free(f->disks[i].model);
	}
	free(f->disks);
	free(f->disks_from);
	for (size_t i = 0; i < f->nmounts; i++) {
		free(f->mounts[i].source);
		free(f->mounts[i].dir);
		free(f->mounts[i].fstype);
	}
	free(f->mounts);
	free(f->mounts_from);
	memset(f, 0, sizeof *f);
}

char *facts_size_text(long long bytes)
{
	if (bytes < 0)
		return xstrdup(FACTS_UNKNOWN);
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	if (bytes < 1024)
		return xasprintf("%lld B", bytes);
	double v = (double)bytes / 1024.0;
	size_t u = 0;
	while (v >= 1024.0 && u + 1 < ARRAY_LEN(units)) {
		v /= 1024.0;
		u++;
	}
	return xasprintf("%.1f %s", v, units[u]);
}

static const char *nz(const char *s)
{
	return s ? s : FACTS_UNKNOWN;
}

cJSON *facts_to_json(const struct facts *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *h = cJSON_AddObjectToObject(o, "host");
	cJSON_AddStringToObject(h, "name", nz(f->hostname));
	cJSON_AddStringToObject(h, "from", nz(f->hostname_from));
	cJSON *os = cJSON_AddObjectToObject(o, "os");
	cJSON_AddStringToObject(os, "name", nz(f->os));
	cJSON_AddStringToObject(os, "id", nz(f->os_id));
	cJSON_AddStringToObject(os, "version_id", nz(f->os_version));
	cJSON_AddStringToObject(os, "from", nz(f->os_from));
	cJSON *k = cJSON_AddObjectToObject(o, "kernel");
	cJSON_AddStringToObject(k, "release", nz(f->kernel));
	cJSON_AddStringToObject(k, "from", nz(f->kernel_from));
	cJSON *disks = cJSON_AddObjectToObject(o, "disks");
	cJSON_AddStringToObject(disks, "from", nz(f->disks_from));
	cJSON *list = cJSON_AddArrayToObject(disks, "list");
	for (size_t i = 0; i < f->ndisks; i++) {
		const struct fact_disk *d = &f->disks[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", nz(d->name));
		if (d->size >= 0)
			cJSON_AddNumberToObject(x, "size_bytes", (double)d->size);
		else
			cJSON_AddNullToObject(x, "size_bytes");
		cJSON_AddStringToObject(x, "model", nz(d->model));
		if (d->removable >= 0)
			cJSON_AddBoolToObject(x, "removable", d->removable);
		else
			cJSON_AddNullToObject(x, "removable");
		cJSON_AddItemToArray(list, x);
	}
	cJSON *mounts = cJSON_AddObjectToObject(o, "mounts");
	cJSON_AddStringToObject(mounts, "from", nz(f->mounts_from));
	list = cJSON_AddArrayToObject(mounts, "list");
	for (size_t i = 0; i < f->nmounts; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "source", nz(f->mounts[i].source));
		cJSON_AddStringToObject(x, "dir", nz(f->mounts[i].dir));
		cJSON_AddStringToObject(x, "fstype", nz(f->mounts[i].fstype));
		cJSON_AddItemToArray(list, x);
	}
	return o;
}

/* ---- reading back ---------------------------------------------------- */

/* Member key of object o (which is at path) as a string: missing or null
 * gives "unknown"; another type is an error naming path.key. */
static bool rd_str(const cJSON *o, const char *path, const char *key, char **out, char **cause)
{
	char *s = NULL;
	if (!jr_str(o, path, key, false, &s, cause)) {
		*out = NULL;
		return false;
	}
	*out = clean(s);
	free(s);
	return true;
}

static bool rd_disk(const cJSON *x, size_t i, struct fact_disk *d, char **cause)
{
	char *path = xasprintf("facts.disks.list[%zu]", i);
	bool ok = false;
	d->size = -1;
	d->removable = -1;
	if (!cJSON_IsObject(x)) {
		*cause = xasprintf("%s: expected an object", path);
		goto out;
	}
	if (!rd_str(x, path, "name", &d->name, cause) || !rd_str(x, path, "model", &d->model, cause))
		goto out;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, "size_bytes");
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9.0e18)
		d->size = (long long)v->valuedouble;
	else if (v && !cJSON_IsNull(v)) {
		*cause = xasprintf("%s.size_bytes: expected a number of bytes or null", path);
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(x, "removable");
	if (cJSON_IsBool(v))
		d->removable = cJSON_IsTrue(v);
	else if (v && !cJSON_IsNull(v)) {
		*cause = xasprintf("%s.removable: expected true, false or null", path);
		goto out;
	}
	ok = true;
out:
	free(path);
	return ok;
}

static bool rd_mount(const cJSON *x, size_t i, struct fact_mount *m, char **cause)
{
	char *path = xasprintf("facts.mounts.list[%zu]", i);
	bool ok = false;
	if (!cJSON_IsObject(x))
		*cause = xasprintf("%s: expected an object", path);
	else
		ok = rd_str(x, path, "source", &m->source, cause) && rd_str(x, path, "dir", &m->dir, cause) &&
		     rd_str(x, path, "fstype", &m->fstype, cause);
	free(path);
	return ok;
}

int facts_from_json(const cJSON *o, struct facts *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(o)) {
		*cause = xstrdup("facts: expected an object");
		return -EINVAL;
	}
	const cJSON *h, *os, *k, *disks, *mounts, *dl, *ml;
	if (!jr_object(o, "facts", "host", &h, cause) || !jr_object(o, "facts", "os", &os, cause) ||
	    !jr_object(o, "facts", "kernel", &k, cause) || !jr_object(o, "facts", "disks", &disks, cause) ||
	    !jr_object(o, "facts", "mounts", &mounts, cause) ||
	    !jr_array(disks, "facts.disks", "list", false, &dl, cause) ||
	    !jr_array(mounts, "facts.mounts", "list", false, &ml, cause))
		goto fail;
	if (!rd_str(h, "facts.host", "name", &out->hostname, cause) ||
	    !rd_str(h, "facts.host", "from", &out->hostname_from, cause) ||
	    !rd_str(os, "facts.os", "name", &out->os, cause) ||
	    !rd_str(os, "facts.os", "id", &out->os_id, cause) ||
	    !rd_str(os, "facts.os", "version_id", &out->os_version, cause) ||
	    !rd_str(os, "facts.os", "from", &out->os_from, cause) ||
	    !rd_str(k, "facts.kernel", "release", &out->kernel, cause) ||
	    !rd_str(k, "facts.kernel", "from", &out->kernel_from, cause) ||
	    !rd_str(disks, "facts.disks", "from", &out->disks_from, cause) ||
	    !rd_str(mounts, "facts.mounts", "from", &out->mounts_from, cause))
		goto fail;
	size_t nd = (size_t)cJSON_GetArraySize(dl), nm = (size_t)cJSON_GetArraySize(ml);
	out->disks = xcalloc(nd ? nd : 1, sizeof *out->disks);
	out->mounts = xcalloc(nm ? nm : 1, sizeof *out->mounts);
	const cJSON *x;
	size_t i = 0;
	cJSON_ArrayForEach(x, dl)
	{
		/* Counted before reading, so a half-read disk is freed too. */
		out->ndisks++;
		if (!rd_disk(x, i++, &out->disks[out->ndisks - 1], cause))
			goto fail;
	}
	i = 0;
	cJSON_ArrayForEach(x, ml)
	{
		out->nmounts++;
		if (!rd_mount(x, i++, &out->mounts[out->nmounts - 1], cause))
			goto fail;
	}
	return 0;
fail:
	facts_free(out);
	return -EINVAL;
}
