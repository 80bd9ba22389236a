/* fwpolicy.c: the firewall rules of an offline Windows volume, the local
 * store merged with Group Policy's (see fwpolicy.h). The facts it relies
 * on, all public (MS-GPFAS 2.2.2.19 and 2.2.3.13, MS-FASP 2.2.38 and
 * 3.1.1):
 * - Group Policy keeps its rules in SOFTWARE\Policies\Microsoft\
 *   WindowsFirewall\FirewallRules, one REG_SZ per rule in the same
 *   grammar as the local store's, the value's name being the rule's ID.
 * - Its per-profile settings live in DomainProfile, PrivateProfile and
 *   PublicProfile beside it (StandardProfile is the older name of the
 *   private one and holds no AllowLocalPolicyMerge); the local store's
 *   profiles are DomainProfile, StandardProfile (private) and
 *   PublicProfile.
 * - The enforced policy is the local store merged with the policy's:
 *   a policy setting wins over a local one; a policy rule wins over a
 *   local rule with the same ID; AllowLocalPolicyMerge 0 in a policy
 *   profile leaves the local rules out of that profile.
 * - A rule's Profile fields ("Domain", "Private", "Public") name the
 *   profiles it applies to; without one it applies to all. */
#include "engine/fwpolicy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/util/msg.h"

static const struct {
	unsigned bit;
	const char *name;      /* in Profile= and in messages */
	const char *local_key; /* under the local FirewallPolicy */
	const char *gpo_key;   /* under the policy's WindowsFirewall */
} g_profiles[] = {
	{ FWPOL_DOMAIN, "Domain", "DomainProfile", "DomainProfile" },
	{ FWPOL_PRIVATE, "Private", "StandardProfile", "PrivateProfile" },
	{ FWPOL_PUBLIC, "Public", "PublicProfile", "PublicProfile" },
};

unsigned fwpol_profiles(const struct winroot_fw_rule *r)
{
	if (!r->profiles)
		return FWPOL_ALL;
	unsigned bits = 0;
	const char *p = r->profiles;
	while (*p) {
		size_t len = strcspn(p, ",");
		for (size_t i = 0; i < ARRAY_LEN(g_profiles); i++)
			if (strlen(g_profiles[i].name) == len &&
			    strncasecmp(p, g_profiles[i].name, len) == 0)
				bits |= g_profiles[i].bit;
		p += len;
		if (*p == ',')
			p++;
	}
	return bits ? bits : FWPOL_ALL;
}

const char *fwpol_profile_names(unsigned bits)
{
	static const char *const names[8] = {
		"none", "Domain", "Private", "Domain, Private", "Public", "Domain, Public",
		"Private, Public", "Domain, Private, Public",
	};
	return names[bits & FWPOL_ALL];
}

const char *fwpol_store_name(enum fwpol_store s)
{
	return s == FWPOL_GPO ? T("Group Policy", "组策略") : T("local policy", "本地策略");
}

/* Appends the group's inbound allow rules under key rkey of h to p.
 * Returns 0, 1 when the key is missing, or -EIO. */
static int read_rules(struct hive *h, const char *rkey, enum fwpol_store store, const char *group,
		      bool (*key)(const struct winroot_fw_rule *), struct fwpol_policy *p)
{
	hive_node n = hive_lookup(h, hive_root(h), rkey);
	if (!n)
		return 1;
	struct hive_value *vals = NULL;
	int nv = hive_values(h, n, &vals);
	if (nv < 0)
		return -EIO;
	p->v = xrealloc(p->v, ((size_t)p->n + (size_t)nv + 1) * sizeof *p->v);
	for (int i = 0; i < nv; i++) {
		int err;
		char *s = vals[i].type == HIVE_REG_SZ ? hive_get_string(h, n, vals[i].name, &err)
						      : NULL;
		struct winroot_fw_rule fr;
		if (s && winroot_fw_parse(s, &fr) == 0) {
			bool in_group = fr.group && str_ieq(fr.group, group);
			if (in_group && fr.inbound && fr.allow) {
				struct fwpol_rule *r = &p->v[p->n++];
				memset(r, 0, sizeof *r);
				r->id = xstrdup(vals[i].name);
				r->text = s;
				r->rule = fr;
				r->store = store;
				r->key = key(&fr);
				r->profiles = fwpol_profiles(&fr);
				s = NULL;
			} else {
				winroot_fw_free(&fr);
			}
		}
		free(s);
		hive_value_free(&vals[i]);
	}
	free(vals);
	return 0;
}

/* Reads DWORD name of h's key base\sub into *v, recording it in ev;
 * returns whether it was there. */
static bool read_setting(struct hive *h, const char *base, const char *sub, const char *name,
			 uint32_t *v, struct strvec *ev)
{
	char *k = xasprintf("%s\\%s", base, sub);
	hive_node n = hive_lookup(h, hive_root(h), k);
	bool ok = n && hive_get_dword(h, n, name, v) == 0;
	if (ok) {
		char *line = xasprintf("%s\\%s = %u", k, name, *v);
		sv_take(ev, line);
	}
	free(k);
	return ok;
}

int fwpol_read(struct hive *sys, const char *set, struct hive *soft, const char *group,
	       bool (*key)(const struct winroot_fw_rule *), struct fwpol_policy *out)
{
	memset(out, 0, sizeof *out);
	out->soft_unread = soft == NULL;
	char *local = xasprintf("%s\\%s", set, WINROOT_FW_POLICY);
	for (size_t i = 0; i < ARRAY_LEN(g_profiles); i++) {
		uint32_t on = 1, merge = 1;
		bool gpo_on = false;
		if (soft) {
			gpo_on = read_setting(soft, FWPOL_GPO_KEY, g_profiles[i].gpo_key,
					      "EnableFirewall", &on, &out->ev_gpo);
			/* Older policies set the private profile's switch
			 * under StandardProfile. */
			if (!gpo_on && g_profiles[i].bit == FWPOL_PRIVATE)
				gpo_on = read_setting(soft, FWPOL_GPO_KEY, "StandardProfile",
						      "EnableFirewall", &on, &out->ev_gpo);
			if (read_setting(soft, FWPOL_GPO_KEY, g_profiles[i].gpo_key,
					 "AllowLocalPolicyMerge", &merge, &out->ev_gpo) &&
			    merge == 0)
				out->no_merge |= g_profiles[i].bit;
		}
		uint32_t lon = 1;
		bool local_on = read_setting(sys, local, g_profiles[i].local_key, "EnableFirewall",
					     &lon, &out->ev_local);
		if (gpo_on ? on == 0 : (local_on && lon == 0))
			out->off |= g_profiles[i].bit;
	}
	char *rkey = xasprintf("%s\\%s", set, WINROOT_FW_RULES);
	int rc = read_rules(sys, rkey, FWPOL_LOCAL, group, key, out);
	int nlocal = out->n;
	int grc = soft ? read_rules(soft, FWPOL_GPO_RULES, FWPOL_GPO, group, key, out) : 1;
	out->gpo_rules = grc == 0;
	free(rkey);
	free(local);
	/* The merge. */
	for (int i = 0; i < out->n; i++) {
		struct fwpol_rule *r = &out->v[i];
		if (r->store == FWPOL_GPO) {
			r->effective = r->profiles;
			continue;
		}
		for (int j = nlocal; j < out->n && !r->replaced; j++)
			r->replaced = str_ieq(out->v[j].id, r->id);
		r->effective = r->replaced ? 0 : r->profiles & ~out->no_merge;
	}
	return rc < 0 || grc < 0 ? -EIO : 0;
}

void fwpol_free(struct fwpol_policy *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->v[i].id);
		free(p->v[i].text);
		winroot_fw_free(&p->v[i].rule);
	}
	free(p->v);
	sv_free(&p->ev_local);
	sv_free(&p->ev_gpo);
	memset(p, 0, sizeof *p);
}
