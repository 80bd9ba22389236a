/* sshd_keywords.c: what OpenSSH's sshd accepts in its configuration, per
 * release, as facts gathered from its keyword table (servconf) from 7.4 to
 * 10.5: keywords (since/until, deprecated, ignored, unsupported, aliases,
 * refused inside Match), Match criteria, algorithm names; and which release
 * an examined machine runs.
 *
 * A keyword sshd does not know stops it from starting ("Bad configuration
 * option"); a deprecated, ignored or unsupported one is only logged. A
 * keyword marked global is refused inside a Match block. Distribution
 * patches add keywords (Debian's DebianBanner, the GSSAPI key exchange
 * options of Debian and Red Hat, Red Hat's Kerberos options): they are
 * accepted, as those builds do. */
#include "engine/sshd_keywords.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sysparse.h"
#include "engine/util/util.h"

#define G (-1) /* refused inside Match in every release */

/* Sorted by name (looked up with bsearch). */
static const struct sshd_keyword keywords[] = {
	{ "acceptenv", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "addressfamily", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "afstokenpassing", SSHD_KW_UNSUPPORTED, 0, 0, G, NULL },
	{ "allowagentforwarding", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "allowgroups", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "allowstreamlocalforwarding", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "allowtcpforwarding", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "allowusers", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "authenticationmethods", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "authorizedkeyscommand", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "authorizedkeyscommanduser", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "authorizedkeysfile", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "authorizedkeysfile2", SSHD_KW_DEPRECATED, 0, 0, 0, NULL },
	{ "authorizedprincipalscommand", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "authorizedprincipalscommanduser", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "authorizedprincipalsfile", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "banner", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "casignaturealgorithms", SSHD_KW_ACTIVE, OPENSSH_V(8, 0), 0, 0, NULL },
	{ "challengeresponseauthentication", SSHD_KW_ACTIVE, 0, 0, 0,
	  "kbdinteractiveauthentication" },
	{ "channeltimeout", SSHD_KW_ACTIVE, OPENSSH_V(9, 2), 0, 0, NULL },
	{ "checkmail", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "chrootdirectory", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "ciphers", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "clientalivecountmax", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "clientaliveinterval", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "compression", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "debianbanner", SSHD_KW_DISTRO, 0, 0, 0, NULL },
	{ "denygroups", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "denyusers", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "disableforwarding", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "dsaauthentication", SSHD_KW_ACTIVE, 0, 0, G, "pubkeyauthentication" },
	{ "exposeauthinfo", SSHD_KW_ACTIVE, OPENSSH_V(7, 6), 0, 0, NULL },
	{ "fingerprinthash", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "forcecommand", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "gatewayports", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "gssapiauthentication", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "gssapicleanupcredentials", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "gssapidelegatecredentials", SSHD_KW_ACTIVE, OPENSSH_V(10, 3), 0, G, NULL },
	{ "gssapienablek5users", SSHD_KW_DISTRO, 0, 0, 0, NULL },
	{ "gssapikeyexchange", SSHD_KW_DISTRO, 0, 0, 0, NULL },
	{ "gssapikexalgorithms", SSHD_KW_DISTRO, 0, 0, 0, NULL },
	{ "gssapistorecredentialsonrekey", SSHD_KW_DISTRO, 0, 0, 0, NULL },
	{ "gssapistrictacceptorcheck", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "hostbasedacceptedalgorithms", SSHD_KW_ACTIVE, OPENSSH_V(8, 5), 0, 0, NULL },
	{ "hostbasedacceptedkeytypes", SSHD_KW_ACTIVE, 0, 0, 0, "hostbasedacceptedalgorithms" },
	{ "hostbasedauthentication", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "hostbasedusesnamefrompacketonly", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "hostcertificate", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "hostdsakey", SSHD_KW_ACTIVE, 0, 0, G, "hostkey" },
	{ "hostkey", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "hostkeyagent", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "hostkeyalgorithms", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "ignorerhosts", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "ignoreuserknownhosts", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "include", SSHD_KW_ACTIVE, OPENSSH_V(8, 2), 0, 0, NULL },
	{ "ipqos", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "kbdinteractiveauthentication", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "keepalive", SSHD_KW_ACTIVE, 0, 0, G, "tcpkeepalive" },
	{ "kerberosauthentication", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "kerberosgetafstoken", SSHD_KW_UNSUPPORTED, 0, 0, G, NULL },
	{ "kerberosorlocalpasswd", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "kerberostgtpassing", SSHD_KW_UNSUPPORTED, 0, 0, G, NULL },
	{ "kerberosticketcleanup", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "kerberosusekuserok", SSHD_KW_DISTRO, 0, 0, 0, NULL },
	{ "kexalgorithms", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "keyregenerationinterval", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "listenaddress", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "logingracetime", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "loglevel", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "logverbose", SSHD_KW_ACTIVE, OPENSSH_V(8, 5), 0, 0, NULL },
	{ "macs", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "match", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "maxauthtries", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "maxsessions", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "maxstartups", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "modulifile", SSHD_KW_ACTIVE, OPENSSH_V(8, 6), 0, G, NULL },
	{ "pamauthenticationviakbdint", SSHD_KW_DEPRECATED, 0, OPENSSH_V(10, 3), G, NULL },
	{ "pamservicename", SSHD_KW_ACTIVE, OPENSSH_V(9, 8), 0, 0, NULL },
	{ "passwordauthentication", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "permitemptypasswords", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "permitlisten", SSHD_KW_ACTIVE, OPENSSH_V(7, 8), 0, 0, NULL },
	{ "permitopen", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "permitrootlogin", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "permittty", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "permittunnel", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "permituserenvironment", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "permituserrc", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "persourcemaxstartups", SSHD_KW_ACTIVE, OPENSSH_V(8, 5), 0, G, NULL },
	{ "persourcenetblocksize", SSHD_KW_ACTIVE, OPENSSH_V(8, 5), 0, G, NULL },
	{ "persourcepenalties", SSHD_KW_ACTIVE, OPENSSH_V(9, 8), 0, G, NULL },
	{ "persourcepenaltyexemptlist", SSHD_KW_ACTIVE, OPENSSH_V(9, 8), 0, G, NULL },
	{ "pidfile", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "port", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "printlastlog", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "printmotd", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "protocol", SSHD_KW_IGNORED, 0, 0, G, NULL },
	{ "pubkeyacceptedalgorithms", SSHD_KW_ACTIVE, OPENSSH_V(8, 5), 0, 0, NULL },
	{ "pubkeyacceptedkeytypes", SSHD_KW_ACTIVE, 0, 0, 0, "pubkeyacceptedalgorithms" },
	{ "pubkeyauthentication", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "pubkeyauthoptions", SSHD_KW_ACTIVE, OPENSSH_V(8, 2), 0, 0, NULL },
	{ "rdomain", SSHD_KW_ACTIVE, OPENSSH_V(7, 8), 0, 0, NULL },
	{ "refuseconnection", SSHD_KW_ACTIVE, OPENSSH_V(9, 9), 0, 0, NULL },
	{ "rekeylimit", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "requiredrsasize", SSHD_KW_ACTIVE, OPENSSH_V(9, 1), 0, 0, NULL },
	{ "reversemappingcheck", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "revokedkeys", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "rhostsauthentication", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "rhostsrsaauthentication", SSHD_KW_DEPRECATED, 0, 0, 0, NULL },
	{ "rsaauthentication", SSHD_KW_DEPRECATED, 0, 0, 0, NULL },
	{ "securitykeyprovider", SSHD_KW_ACTIVE, OPENSSH_V(8, 2), 0, G, NULL },
	{ "serverkeybits", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "setenv", SSHD_KW_ACTIVE, OPENSSH_V(7, 8), 0, 0, NULL },
	{ "skeyauthentication", SSHD_KW_ACTIVE, 0, 0, 0, "kbdinteractiveauthentication" },
	{ "sshdauthpath", SSHD_KW_ACTIVE, OPENSSH_V(10, 0), 0, G, NULL },
	{ "sshdsessionpath", SSHD_KW_ACTIVE, OPENSSH_V(9, 8), 0, G, NULL },
	{ "streamlocalbindmask", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "streamlocalbindunlink", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "strictmodes", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	/* Allowed inside Match since 9.5. */
	{ "subsystem", SSHD_KW_ACTIVE, 0, 0, OPENSSH_V(9, 4), NULL },
	{ "syslogfacility", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "tcpkeepalive", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "trustedusercakeys", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "unusedconnectiontimeout", SSHD_KW_ACTIVE, OPENSSH_V(9, 2), 0, 0, NULL },
	{ "usedns", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "uselogin", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "usepam", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "useprivilegeseparation", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "verifyreversemapping", SSHD_KW_DEPRECATED, 0, 0, G, NULL },
	{ "versionaddendum", SSHD_KW_ACTIVE, 0, 0, G, NULL },
	{ "x11displayoffset", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "x11forwarding", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "x11uselocalhost", SSHD_KW_ACTIVE, 0, 0, 0, NULL },
	{ "xauthlocation", SSHD_KW_ACTIVE, 0, 0, G, NULL },
};

/* bsearch comparison of a name with a table entry. */
static int kw_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sshd_keyword *)elem)->name);
}

/* The entry of a keyword. */
const struct sshd_keyword *sshd_keyword_find(const char *kw)
{
	return bsearch(kw, keywords, ARRAY_LEN(keywords), sizeof *keywords, kw_cmp);
}

/* Whether release v knows k (for an unknown release: whether some
 * release does, so that a machine's own release is never wronged). */
bool sshd_keyword_known_in(const struct sshd_keyword *k, int v)
{
	if (!k)
		return false;
	if (v == 0)
		return true;
	return (k->since == 0 || v >= k->since) && (k->until == 0 || v <= k->until);
}

/* Whether release v refuses k inside Match. */
bool sshd_keyword_global_only(const struct sshd_keyword *k, int v)
{
	if (!k || k->global_until == 0)
		return false;
	if (k->global_until < 0)
		return true;
	return v != 0 && v <= k->global_until;
}

/* ---- Match criteria ---- */

/* The criteria sshd knows and the release that added them. */
static const struct {
	const char *name;
	int since;
} criteria[] = {
	{ "all", 0 },           { "user", 0 },          { "group", 0 },
	{ "host", 0 },          { "address", 0 },       { "localaddress", 0 },
	{ "localport", 0 },     { "rdomain", OPENSSH_V(7, 8) },
	{ "invalid-user", OPENSSH_V(9, 9) }, { "version", OPENSSH_V(10, 0) },
};

/* Whether release v knows a Match criterion. */
bool sshd_match_criterion_known(const char *attr, int v, int *since)
{
	*since = 0;
	for (size_t i = 0; i < ARRAY_LEN(criteria); i++)
		if (str_ieq(attr, criteria[i].name)) {
			*since = criteria[i].since;
			return v == 0 || v >= criteria[i].since;
		}
	return false;
}

/* ---- algorithm names ---- */

struct algo {
	const char *name;
	int since; /* 0: every release we cover */
	int until; /* 0: still there */
};

static const struct algo ciphers[] = {
	{ "3des-cbc", 0, 0 },          { "aes128-cbc", 0, 0 },
	{ "aes192-cbc", 0, 0 },        { "aes256-cbc", 0, 0 },
	{ "aes128-ctr", 0, 0 },        { "aes192-ctr", 0, 0 },
	{ "aes256-ctr", 0, 0 },        { "aes128-gcm@openssh.com", 0, 0 },
	{ "aes256-gcm@openssh.com", 0, 0 }, { "chacha20-poly1305@openssh.com", 0, 0 },
	{ "rijndael-cbc@lysator.liu.se", 0, OPENSSH_V(8, 4) },
};

static const struct algo macs[] = {
	{ "hmac-sha1", 0, 0 },
	{ "hmac-sha1-96", 0, 0 },
	{ "hmac-sha2-256", 0, 0 },
	{ "hmac-sha2-512", 0, 0 },
	{ "hmac-md5", 0, 0 },
	{ "hmac-md5-96", 0, 0 },
	{ "umac-64@openssh.com", 0, 0 },
	{ "umac-128@openssh.com", 0, 0 },
	{ "hmac-sha1-etm@openssh.com", 0, 0 },
	{ "hmac-sha1-96-etm@openssh.com", 0, 0 },
	{ "hmac-sha2-256-etm@openssh.com", 0, 0 },
	{ "hmac-sha2-512-etm@openssh.com", 0, 0 },
	{ "hmac-md5-etm@openssh.com", 0, 0 },
	{ "hmac-md5-96-etm@openssh.com", 0, 0 },
	{ "umac-64-etm@openssh.com", 0, 0 },
	{ "umac-128-etm@openssh.com", 0, 0 },
};

static const struct algo kexes[] = {
	{ "diffie-hellman-group1-sha1", 0, 0 },
	{ "diffie-hellman-group14-sha1", 0, 0 },
	{ "diffie-hellman-group14-sha256", 0, 0 },
	{ "diffie-hellman-group16-sha512", 0, 0 },
	{ "diffie-hellman-group18-sha512", 0, 0 },
	{ "diffie-hellman-group-exchange-sha1", 0, 0 },
	{ "diffie-hellman-group-exchange-sha256", 0, 0 },
	{ "ecdh-sha2-nistp256", 0, 0 },
	{ "ecdh-sha2-nistp384", 0, 0 },
	{ "ecdh-sha2-nistp521", 0, 0 },
	{ "curve25519-sha256", 0, 0 },
	{ "curve25519-sha256@libssh.org", 0, 0 },
	{ "sntrup4591761x25519-sha512@tinyssh.org", OPENSSH_V(8, 0), OPENSSH_V(8, 4) },
	{ "sntrup761x25519-sha512@openssh.com", OPENSSH_V(8, 5), 0 },
	{ "sntrup761x25519-sha512", OPENSSH_V(9, 9), 0 },
	{ "mlkem768x25519-sha256", OPENSSH_V(9, 9), 0 },
	{ "mlkem768nistp256-sha256", OPENSSH_V(10, 5), 0 },
};

static const struct algo keytypes[] = {
	{ "ssh-ed25519", 0, 0 },
	{ "ssh-ed25519-cert-v01@openssh.com", 0, 0 },
	{ "sk-ssh-ed25519@openssh.com", OPENSSH_V(8, 2), 0 },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", OPENSSH_V(8, 2), 0 },
	{ "ecdsa-sha2-nistp256", 0, 0 },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", 0, 0 },
	{ "ecdsa-sha2-nistp384", 0, 0 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", 0, 0 },
	{ "ecdsa-sha2-nistp521", 0, 0 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", 0, 0 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", OPENSSH_V(8, 2), 0 },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", OPENSSH_V(8, 2), 0 },
	{ "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", OPENSSH_V(8, 4), 0 },
	{ "ssh-dss", 0, OPENSSH_V(10, 0) },
	{ "ssh-dss-cert-v01@openssh.com", 0, OPENSSH_V(10, 0) },
	{ "ssh-rsa", 0, 0 },
	{ "ssh-rsa-cert-v01@openssh.com", 0, 0 },
	{ "rsa-sha2-256", 0, 0 },
	{ "rsa-sha2-256-cert-v01@openssh.com", 0, 0 },
	{ "rsa-sha2-512", 0, 0 },
	{ "rsa-sha2-512-cert-v01@openssh.com", 0, 0 },
};

/* Which list a keyword takes. */
int sshd_algo_keyword(const char *kw)
{
	if (strcmp(kw, "ciphers") == 0)
		return SSHD_ALGO_CIPHER;
	if (strcmp(kw, "macs") == 0)
		return SSHD_ALGO_MAC;
	if (strcmp(kw, "kexalgorithms") == 0)
		return SSHD_ALGO_KEX;
	if (strcmp(kw, "hostkeyalgorithms") == 0 || strcmp(kw, "pubkeyacceptedalgorithms") == 0 ||
	    strcmp(kw, "pubkeyacceptedkeytypes") == 0 ||
	    strcmp(kw, "hostbasedacceptedalgorithms") == 0 ||
	    strcmp(kw, "hostbasedacceptedkeytypes") == 0 ||
	    strcmp(kw, "casignaturealgorithms") == 0)
		return SSHD_ALGO_KEY;
	return -1;
}

/* Whether a name is in a list for release v (an unknown release accepts
 * every name some release knew: a distribution may have it backported). */
static bool algo_known(const struct algo *list, size_t n, const char *name, bool wildcard, int v)
{
	for (size_t i = 0; i < n; i++) {
		bool hit = wildcard ? fnmatch(name, list[i].name, 0) == 0
				    : strcmp(name, list[i].name) == 0;
		if (hit && (v == 0 || ((list[i].since == 0 || v >= list[i].since) &&
				       (list[i].until == 0 || v <= list[i].until))))
			return true;
	}
	return false;
}

/* Checks an algorithm list like sshd. */
char *sshd_algo_list_check(enum sshd_algo_kind kind, const char *arg, int v)
{
	if (arg[0] == '-')
		return NULL;
	if (arg[0] == '+' || arg[0] == '^')
		arg++;
	const struct algo *list = ciphers;
	size_t n = ARRAY_LEN(ciphers);
	if (kind == SSHD_ALGO_MAC) {
		list = macs;
		n = ARRAY_LEN(macs);
	} else if (kind == SSHD_ALGO_KEX) {
		list = kexes;
		n = ARRAY_LEN(kexes);
	} else if (kind == SSHD_ALGO_KEY) {
		list = keytypes;
		n = ARRAY_LEN(keytypes);
	}
	for (const char *p = arg;;) {
		size_t len = strcspn(p, ",");
		char *name = xstrndup(p, len);
		bool wild = kind == SSHD_ALGO_KEY && strpbrk(name, "*?");
		if (!*name || !algo_known(list, n, name, wild, v))
			return name;
		free(name);
		p += len;
		if (!*p)
			return NULL;
		p++;
	}
}

/* ---- the installed release ---- */

/* Parses "X.Y" at s (after an optional "N:" epoch) into a version. */
static int parse_version(const char *s)
{
	const char *colon = strchr(s, ':');
	if (colon && colon - s < 4)
		s = colon + 1;
	if (!isdigit((unsigned char)s[0]))
		return 0;
	char *end;
	long major = strtol(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return 0;
	long minor = strtol(end + 1, NULL, 10);
	if (major < 1 || major > 99 || minor < 0 || minor > 99)
		return 0;
	return OPENSSH_V((int)major, (int)minor);
}

/* Finds "OpenSSH_X.Y" in data. */
int sshd_version_in_text(const char *data, size_t len)
{
	static const char tag[] = "OpenSSH_";
	const size_t tl = sizeof tag - 1;
	for (const char *p = data; len >= tl && p <= data + len - tl;) {
		const char *hit = memmem(p, (size_t)(data + len - p), tag, tl);
		if (!hit)
			break;
		size_t rest = (size_t)(data + len - hit) - tl;
		if (rest >= 3) {
			char buf[8] = { 0 };
			memcpy(buf, hit + tl, rest < 7 ? rest : 7);
			int v = parse_version(buf);
			if (v)
				return v;
		}
		p = hit + 1;
	}
	return 0;
}

/* The installed release, from the package database or the program. */
int sshd_version_detect(struct target *t, const char **from)
{
	if (from)
		*from = NULL;
	char *text = NULL;
	int v = 0;
	if (target_read(t, "/var/lib/dpkg/status", &text, NULL) == 0) {
		struct pkg_state st;
		if (dpkg_status_find(text, "openssh-server", &st) && st.installed && st.version) {
			v = parse_version(st.version);
			if (v && from)
				*from = "/var/lib/dpkg/status";
		}
		pkg_state_free(&st);
	}
	free(text);
	static const char *const programs[] = { "/usr/sbin/sshd", "/usr/local/sbin/sshd" };
	for (size_t i = 0; !v && i < ARRAY_LEN(programs); i++) {
		char *data = NULL;
		size_t len = 0;
		if (target_read(t, programs[i], &data, &len) == 0) {
			v = sshd_version_in_text(data, len);
			if (v && from)
				*from = programs[i];
		}
		free(data);
	}
	return v;
}
