/* winroot.c: the registry of an offline Windows installation (see
 * winroot.h). The facts it relies on, all public:
 * - SYSTEM holds ControlSet001, ControlSet002...; Select\Current (a DWORD)
 *   names the one Windows boots with ("CurrentControlSet" exists only in
 *   a running system).
 * - SOFTWARE\Microsoft\Windows NT\CurrentVersion: ProductName, EditionID,
 *   CurrentBuildNumber, DisplayVersion (20H2 and later) or ReleaseId.
 *   Builds 22000 and later are Windows 11 but keep "Windows 10" in
 *   ProductName.
 * - The firewall policy keeps one REG_SZ per rule under
 *   Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules:
 *   "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|
 *   LPort=445|...|EmbedCtxt=@FirewallAPI.dll,-28502|", where EmbedCtxt
 *   names the rule group by a resource reference that is the same in
 *   every display language.
 * - SAM: SAM\Domains\Account\Users\Names\<name> has a default value whose
 *   registry type is the account's RID; Users\<RID as 8 hex digits>\F is
 *   a fixed record whose 16-bit little-endian word at 0x38 holds the
 *   account control bits (0x0001 disabled, 0x0400 locked out).
 * - The machine's own SID (S-1-5-21-A-B-C) ends SAM\Domains\Account\V;
 *   a local account's SID is it followed by the RID. A built-in group
 *   (alias) such as Administrators (RID 0x220, S-1-5-32-544) lists its
 *   members as SIDs in SAM\Domains\Builtin\Aliases\00000220\C, after a
 *   0x34-byte header that gives their offset (0x28), size (0x2C) and
 *   count (0x30); local groups do not nest, so a local account is an
 *   administrator exactly when its SID is listed there. A domain account
 *   may also be one through a domain group, which only the domain knows.
 *   (Layout as chntpw's samusrgrp reads and writes it; the tests check
 *   that both read the same members.) */
#include "engine/winroot.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/text.h"

struct hive *winroot_open(struct target *t, const char *name, char **path, char **cause)
{
	char *tpath = xasprintf("%s/%s", WINROOT_CONFIG, name);
	if (path)
		*path = xstrdup(tpath);
	if (!t->hive_files) {
		*cause = xasprintf("%s: this target has no registry hive files", tpath);
		free(tpath);
		return NULL;
	}
	struct target_stat st;
	int rc = target_stat(t, tpath, &st);
	char *host = rc == 0 ? target_host_path(t, tpath) : NULL;
	if (!host) {
		*cause = xasprintf("%s: %s", tpath, strerror(rc < 0 ? -rc : ENOENT));
		free(tpath);
		return NULL;
	}
	char *why = NULL;
	struct hive *h = hive_open(host, false, &why);
	free(host);
	if (!h) {
		*cause = xasprintf("%s: %s", tpath, why);
		free(why);
	}
	free(tpath);
	return h;
}

/* Whether name is "ControlSet" and three digits, in any case. */
static bool is_control_set(const char *name)
{
	return strlen(name) == 13 && strncasecmp(name, "ControlSet", 10) == 0 &&
	       isdigit((unsigned char)name[10]) && isdigit((unsigned char)name[11]) &&
	       isdigit((unsigned char)name[12]);
}

int winroot_control_sets(struct hive *sys, struct strvec *out)
{
	struct strvec keys = { 0 };
	if (hive_subkeys(sys, hive_root(sys), &keys) < 0) {
		sv_free(&keys);
		return -EIO;
	}
	int n = 0;
	for (size_t i = 0; i < keys.n; i++)
		if (is_control_set(keys.v[i])) {
			sv_push(out, keys.v[i]);
			n++;
		}
	sv_free(&keys);
	return n;
}

char *winroot_current_set(struct hive *sys, char **cause)
{
	hive_node sel = hive_lookup(sys, hive_root(sys), "Select");
	uint32_t cur = 0;
	int rc = sel ? hive_get_dword(sys, sel, "Current", &cur) : -ENOENT;
	if (!sel) {
		*cause = xstrdup("the SYSTEM hive has no Select key");
		return NULL;
	}
	if (rc < 0) {
		*cause = xasprintf("Select\\Current is %s",
				   rc == -ENOENT ? "missing" : "not a readable DWORD");
		return NULL;
	}
	if (cur < 1 || cur > 999) {
		*cause = xasprintf("Select\\Current is %u, not a control set number", cur);
		return NULL;
	}
	char want[16];
	snprintf(want, sizeof want, "ControlSet%03u", cur);
	hive_node n = hive_lookup(sys, hive_root(sys), want);
	char *name = n ? hive_name(sys, n) : NULL;
	if (!name)
		*cause = xasprintf("Select\\Current is %u, but there is no %s", cur, want);
	return name;
}

int winroot_version(struct hive *soft, struct winroot_version *v)
{
	memset(v, 0, sizeof *v);
	hive_node cv = hive_lookup(soft, hive_root(soft), "Microsoft\\Windows NT\\CurrentVersion");
	if (!cv)
		return -ENOENT;
	int err;
	v->product = hive_get_string(soft, cv, "ProductName", &err);
	v->edition = hive_get_string(soft, cv, "EditionID", &err);
	v->build = hive_get_string(soft, cv, "CurrentBuildNumber", &err);
	v->display = hive_get_string(soft, cv, "DisplayVersion", &err);
	if (!v->display)
		v->display = hive_get_string(soft, cv, "ReleaseId", &err);
	long build = 0;
	if (v->product && v->build && str_to_long(v->build, &build) && build >= 22000 &&
	    str_starts(v->product, "Windows 10")) {
		char *p = xasprintf("Windows 11%s", v->product + strlen("Windows 10"));
		free(v->product);
		v->product = p;
	}
	return v->product ? 0 : -ENOENT;
}

void winroot_version_free(struct winroot_version *v)
{
	free(v->product);
	free(v->edition);
	free(v->build);
	free(v->display);
	memset(v, 0, sizeof *v);
}

/* Appends value to a comma-joined field. */
static void join_field(char **field, const char *value, size_t len)
{
	char *old = *field;
	*field = old ? xasprintf("%s,%.*s", old, (int)len, value) : xstrndup(value, len);
	free(old);
}

int winroot_fw_parse(const char *s, struct winroot_fw_rule *out)
{
	memset(out, 0, sizeof *out);
	out->protocol = -1;
	if (s[0] != 'v' || !isdigit((unsigned char)s[1]))
		return -EINVAL;
	const char *p = s + strcspn(s, "|");
	while (*p == '|') {
		p++;
		size_t len = strcspn(p, "|");
		const char *eq = memchr(p, '=', len);
		if (eq) {
			size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
			const char *val = eq + 1;
			char *key = xstrndup(p, klen);
			if (str_ieq(key, "Active"))
				out->active = vlen == 4 && strncasecmp(val, "TRUE", 4) == 0;
			else if (str_ieq(key, "Action"))
				out->allow = vlen == 5 && strncasecmp(val, "Allow", 5) == 0;
			else if (str_ieq(key, "Dir"))
				out->inbound = vlen == 2 && strncasecmp(val, "In", 2) == 0;
			else if (str_ieq(key, "Protocol")) {
				char *num = xstrndup(val, vlen);
				long l;
				if (str_to_long(num, &l) && l >= 0 && l <= 255)
					out->protocol = (int)l;
				free(num);
			} else if (str_ieq(key, "LPort"))
				join_field(&out->lport, val, vlen);
			else if (str_ieq(key, "Profile"))
				join_field(&out->profiles, val, vlen);
			else if (str_ieq(key, "EmbedCtxt") && !out->group)
				out->group = xstrndup(val, vlen);
			else if (str_ieq(key, "Name") && !out->name)
				out->name = xstrndup(val, vlen);
			free(key);
		}
		p += len;
	}
	return 0;
}

void winroot_fw_free(struct winroot_fw_rule *r)
{
	free(r->lport);
	free(r->profiles);
	free(r->group);
	free(r->name);
	memset(r, 0, sizeof *r);
}

char *winroot_fw_enable(const char *s)
{
	struct sbuf b = { 0 };
	bool seen = false;
	const char *p = s;
	size_t first = strcspn(s, "|");
	sb_addn(&b, s, first);
	p = s + first;
	while (*p == '|') {
		p++;
		size_t len = strcspn(p, "|");
		sb_addc(&b, '|');
		if (len >= 7 && strncasecmp(p, "Active=", 7) == 0) {
			sb_add(&b, "Active=TRUE");
			seen = true;
		} else {
			sb_addn(&b, p, len);
		}
		p += len;
	}
	char *r = sb_steal(&b);
	if (seen)
		return r;
	/* No Active field: add one after the version. */
	char *with = xasprintf("%.*s|Active=TRUE%s", (int)first, r, r + first);
	free(r);
	return with;
}

int winroot_accounts(struct hive *sam, struct winroot_account **out)
{
	*out = NULL;
	hive_node users = hive_lookup(sam, hive_root(sam), "SAM\\Domains\\Account\\Users");
	hive_node names = users ? hive_lookup(sam, users, "Names") : 0;
	if (!names)
		return -ENOENT;
	struct strvec list = { 0 };
	hive_subkeys(sam, names, &list);
	struct winroot_account *a = xcalloc(list.n ? list.n : 1, sizeof *a);
	int n = 0;
	for (size_t i = 0; i < list.n; i++) {
		hive_node k = hive_lookup(sam, names, list.v[i]);
		struct hive_value v;
		if (!k || hive_get(sam, k, "", &v) < 0)
			continue;
		a[n].name = xstrdup(list.v[i]);
		a[n].rid = v.type;
		hive_value_free(&v);
		char rid[16];
		snprintf(rid, sizeof rid, "%08X", a[n].rid);
		hive_node u = hive_lookup(sam, users, rid);
		if (u && hive_get(sam, u, "F", &v) == 0) {
			if (v.len >= 0x3A) {
				a[n].flags = (uint16_t)(v.data[0x38] | v.data[0x39] << 8);
				a[n].flags_known = true;
			}
			hive_value_free(&v);
		}
		n++;
	}
	sv_free(&list);
	*out = a;
	return n;
}

void winroot_accounts_free(struct winroot_account *a, int n)
{
	for (int i = 0; i < n; i++)
		free(a[i].name);
	free(a);
}

/* The upper case of a code point, as far as account names need it. */
static uint32_t name_upper(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if ((c >= 0xE0 && c <= 0xFE && c != 0xF7))
		return c - 32;
	if (c == 0xFF)
		return 0x178;
	/* Latin Extended-A: upper and lower case alternate. */
	if (c >= 0x100 && c <= 0x137 && (c & 1))
		return c - 1;
	if (c >= 0x139 && c <= 0x148 && !(c & 1))
		return c - 1;
	if (c >= 0x14A && c <= 0x177 && (c & 1))
		return c - 1;
	if (c == 0x17A || c == 0x17C || c == 0x17E)
		return c - 1;
	if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2)
		return c - 32;
	if (c >= 0x430 && c <= 0x44F)
		return c - 32;
	if (c >= 0x450 && c <= 0x45F)
		return c - 80;
	return c;
}

bool winroot_name_eq(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	while (na && nb) {
		uint32_t ca, cb;
		size_t la = utf8_decode(a, na, &ca), lb = utf8_decode(b, nb, &cb);
		if (ca == UTF8_INVALID || cb == UTF8_INVALID) {
			if (la != lb || memcmp(a, b, la) != 0)
				return false;
		} else if (name_upper(ca) != name_upper(cb)) {
			return false;
		}
		a += la, na -= la;
		b += lb, nb -= lb;
	}
	return na == 0 && nb == 0;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The SID at p (at most len bytes) as text, and its size in *used; NULL
 * when it is not a SID. */
static char *sid_text(const unsigned char *p, size_t len, size_t *used)
{
	if (len < 8 || p[0] != 1 || p[1] > 15 || len < 8 + 4u * p[1])
		return NULL;
	unsigned long long auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	struct sbuf b = { 0 };
	sb_printf(&b, "S-1-%llu", auth);
	for (unsigned i = 0; i < p[1]; i++)
		sb_printf(&b, "-%u", le32(p + 8 + 4 * i));
	*used = 8 + 4u * p[1];
	return sb_steal(&b);
}

char *winroot_machine_sid(struct hive *sam, char **cause)
{
	hive_node n = hive_lookup(sam, hive_root(sam), "SAM\\Domains\\Account");
	struct hive_value v;
	if (!n || hive_get(sam, n, "V", &v) < 0) {
		*cause = xstrdup("SAM\\Domains\\Account\\V is missing");
		return NULL;
	}
	size_t used = 0;
	char *sid = NULL;
	if (v.len >= 24) {
		const unsigned char *p = v.data + v.len - 24;
		if (p[1] == 4 && le32(p + 8) == 21)
			sid = sid_text(p, 24, &used);
	}
	if (!sid)
		*cause = xasprintf("SAM\\Domains\\Account\\V (%zu bytes) does not end with the machine's SID",
				   v.len);
	hive_value_free(&v);
	return sid;
}

int winroot_alias_members(struct hive *sam, uint32_t rid, struct strvec *sids, char **cause)
{
	char key[64];
	snprintf(key, sizeof key, "SAM\\Domains\\Builtin\\Aliases\\%08X", rid);
	hive_node n = hive_lookup(sam, hive_root(sam), key);
	struct hive_value v;
	if (!n || hive_get(sam, n, "C", &v) < 0) {
		*cause = xasprintf("%s\\C is missing", key);
		return -ENOENT;
	}
	int rc = 0;
	size_t ofs = 0, size = 0, count = 0;
	if (v.len >= 0x34) {
		ofs = le32(v.data + 0x28);
		size = le32(v.data + 0x2C);
		count = le32(v.data + 0x30);
	}
	if (v.len < 0x34 || ofs > v.len - 0x34 || size > v.len - 0x34 - ofs) {
		*cause = xasprintf("%s\\C (%zu bytes): its member list lies outside it", key, v.len);
		rc = -EILSEQ;
	}
	const unsigned char *p = v.data + 0x34 + ofs;
	for (size_t i = 0; rc >= 0 && i < count; i++) {
		size_t used = 0;
		char *s = sid_text(p, size, &used);
		if (!s) {
			*cause = xasprintf("%s\\C: member %zu of %zu is not a SID", key, i + 1, count);
			rc = -EILSEQ;
			break;
		}
		sv_push(sids, s);
		free(s);
		p += used;
		size -= used;
		rc++;
	}
	hive_value_free(&v);
	return rc;
}

char *winroot_computer_name(struct hive *sys, const char *set)
{
	char *key = xasprintf("%s\\Control\\ComputerName\\ComputerName", set);
	hive_node n = hive_lookup(sys, hive_root(sys), key);
	free(key);
	int err;
	return n ? hive_get_string(sys, n, "ComputerName", &err) : NULL;
}
