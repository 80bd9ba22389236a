/* ssh_config.c: the OpenSSH client configuration read for one alias
 * (ssh_config(5)): the line syntax (keyword, optional `=`, words with
 * quotes and backslash escapes, `#` starting a word ends the line), Host
 * blocks with wildcard and negated patterns, first value wins, Include in
 * place, Match skipped with a note; and the expansion of IdentityFile
 * paths. The model is in ssh_config.h. */
#include "engine/target/ssh_config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/target/ssh_jump.h"
#include "engine/util/cfgwords.h"
#include "engine/util/util.h"

/* The reading state shared by a file and what it includes. */
struct reader {
	const char *host; /* the alias as typed (borrowed) */
	const struct ssh_config_env *env;
	struct ssh_config_host *out;
	struct strvec identity;
	struct strvec notes;
	bool hostname_set, user_set, port_set;
	bool jump_set;    /* ProxyJump decided (a value or none) */
	bool command_set; /* ProxyCommand decided (a value or none) */
	char **cause;
};

/* Whether pattern matches s, `*` any run (also empty), `?` one byte. */
bool ssh_config_match_pattern(const char *s, const char *pattern)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*pattern == '*') {
			star = pattern++;
			resume = s;
		} else if (*pattern == '?' || *pattern == *s) {
			pattern++;
			s++;
		} else if (star) {
			pattern = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

/* Sets *cause to "NAME line N: WHAT" and returns err. */
static int line_error(struct reader *r, const char *name, int lineno, int err, const char *what)
{
	if (r->cause && !*r->cause)
		*r->cause = xasprintf("%s line %d: %s", name, lineno, what);
	return err;
}

/* Whether a ProxyJump value is a hop list ssh takes. */
static bool jump_valid(const char *v)
{
	struct ssh_hop *hops = NULL;
	size_t n = 0;
	char *why = NULL;
	int rc = ssh_jump_parse(v, &hops, &n, &why);
	ssh_hops_free(hops, n);
	free(why);
	return rc == 0;
}

/* A Port value: a number 1..65535 or a TCP service name, as ssh takes
 * it; -1 for anything else. */
static long port_number(const char *v)
{
	long port;
	if (str_to_long(v, &port))
		return port >= 1 && port <= 65535 ? port : -1;
	struct servent *se = getservbyname(v, "tcp");
	return se ? ntohs((uint16_t)se->s_port) : -1;
}

/* HostName's value with %h (the alias) and %% expanded; -EINVAL for any
 * other token. */
static int expand_hostname(struct reader *r, const char *v, const char *name, int lineno)
{
	struct sbuf b = { 0 };
	for (const char *p = v; *p; p++) {
		if (*p != '%') {
			sb_addc(&b, *p);
			continue;
		}
		if (p[1] == '%') {
			sb_addc(&b, '%');
		} else if (p[1] == 'h') {
			sb_add(&b, r->host);
		} else {
			sb_free(&b);
			return line_error(r, name, lineno, -EINVAL,
					  "HostName takes only the tokens %h and %%");
		}
		p++;
	}
	r->out->hostname = sb_steal(&b);
	r->hostname_set = true;
	return 0;
}

static int read_text(struct reader *r, const char *text, size_t len, const char *name,
		     bool *active, bool nevermatch, int depth);

/* Refuses a file that someone other than its reader (or root) owns or that
 * others may write, as ssh refuses it. */
static int check_perm(struct reader *r, int fd, const char *path)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		if (r->cause && !*r->cause)
			*r->cause = xasprintf("%s is not a regular file", path);
		return -EINVAL;
	}
	if (r->env->check_perm &&
	    ((st.st_uid != 0 && st.st_uid != r->env->uid) || (st.st_mode & 022) != 0)) {
		if (r->cause && !*r->cause)
			*r->cause = xasprintf("Bad owner or permissions on %s", path);
		return -EPERM;
	}
	return 0;
}

/* Reads one file: 1 when it was read, 0 when it does not exist, or a
 * negative errno with *cause. */
static int read_file(struct reader *r, const char *path, bool *active, bool nevermatch, int depth)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		int err = errno;
		if (r->cause && !*r->cause)
			*r->cause = xasprintf("cannot open %s: %s", path, strerror(err));
		return -err;
	}
	int rc = check_perm(r, fd, path);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	char *data = NULL;
	size_t len = 0;
	rc = util_read_fd(fd, SSH_CONFIG_FILE_MAX, &data, &len);
	if (rc < 0) {
		if (r->cause && !*r->cause)
			*r->cause = xasprintf("cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = read_text(r, data, len, path, active, nevermatch, depth);
	free(data);
	return rc < 0 ? rc : 1;
}

/* An Include argument as a glob pattern: ~ and ~/ under the home, other
 * relative paths under ~/.ssh. Caller frees. */
static char *include_pattern(const struct ssh_config_env *env, const char *arg)
{
	if (arg[0] == '~' && (arg[1] == '/' || arg[1] == '\0'))
		return xasprintf("%s%s", env->home, arg + 1);
	if (arg[0] == '~') {
		const char *slash = strchr(arg, '/');
		char *name = slash ? xstrndup(arg + 1, (size_t)(slash - arg - 1)) : xstrdup(arg + 1);
		const struct passwd *pw = getpwnam(name);
		free(name);
		if (pw)
			return xasprintf("%s%s", pw->pw_dir, slash ? slash : "");
		return xstrdup(arg);
	}
	if (arg[0] == '/')
		return xstrdup(arg);
	return xasprintf("%s/.ssh/%s", env->home, arg);
}

/* Include: each file the patterns name, in lexical order, read with the
 * current active state, which is restored afterwards. */
static int do_include(struct reader *r, const struct strvec *args, const char *name, int lineno,
		      bool *active, bool nevermatch, int depth)
{
	if (depth + 1 > SSH_CONFIG_DEPTH_MAX)
		return line_error(r, name, lineno, -ELOOP, "Include nested too deep");
	if (r->env->no_include)
		return 0;
	bool outer = *active;
	for (size_t i = 0; i < args->n; i++) {
		char *pattern = include_pattern(r->env, args->v[i]);
		glob_t gl;
		memset(&gl, 0, sizeof gl);
		int g = glob(pattern, 0, NULL, &gl);
		free(pattern);
		if (g != 0) {
			globfree(&gl);
			continue; /* no match: nothing to read */
		}
		for (size_t k = 0; k < gl.gl_pathc; k++) {
			int rc = read_file(r, gl.gl_pathv[k], active, nevermatch || !outer,
					   depth + 1);
			*active = outer;
			if (rc < 0) {
				globfree(&gl);
				return rc;
			}
		}
		globfree(&gl);
	}
	return 0;
}

/* Host: the block applies when a pattern matches and no negated one does. */
static void do_host(struct reader *r, const struct strvec *args, bool *active, bool nevermatch)
{
	*active = false;
	if (nevermatch)
		return;
	for (size_t i = 0; i < args->n; i++) {
		const char *p = args->v[i];
		bool negated = p[0] == '!';
		if (!ssh_config_match_pattern(r->host, negated ? p + 1 : p))
			continue;
		if (negated) {
			*active = false;
			return;
		}
		*active = true;
	}
}

/* One keyword line whose arguments are words. */
static int do_keyword(struct reader *r, const char *kw, const char *rest, const struct strvec *w,
		      const char *name, int lineno, bool *active, bool nevermatch, int depth)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i][0] == '\0' && strcasecmp(kw, "proxycommand") != 0)
			return line_error(r, name, lineno, -EINVAL, "empty argument");
	bool one = strcasecmp(kw, "hostname") == 0 || strcasecmp(kw, "user") == 0 ||
		   strcasecmp(kw, "port") == 0 || strcasecmp(kw, "proxyjump") == 0 ||
		   strcasecmp(kw, "identityfile") == 0;
	if (one && w->n != 1) {
		char *m = xasprintf("%s takes one argument", kw);
		int rc = line_error(r, name, lineno, -EINVAL, m);
		free(m);
		return rc;
	}
	if (strcasecmp(kw, "host") == 0) {
		do_host(r, w, active, nevermatch);
	} else if (strcasecmp(kw, "match") == 0) {
		*active = false;
		sv_take(&r->notes, xasprintf("%s:%d: Match is not evaluated; its block is skipped",
					     name, lineno));
	} else if (strcasecmp(kw, "include") == 0) {
		return do_include(r, w, name, lineno, active, nevermatch, depth);
	} else if (strcasecmp(kw, "hostname") == 0) {
		if (*active && !r->hostname_set)
			return expand_hostname(r, w->v[0], name, lineno);
	} else if (strcasecmp(kw, "user") == 0) {
		if (*active && !r->user_set) {
			r->out->user = xstrdup(w->v[0]);
			r->user_set = true;
		}
	} else if (strcasecmp(kw, "port") == 0) {
		long port = port_number(w->v[0]);
		if (port < 1)
			return line_error(r, name, lineno, -EINVAL, "Bad port number");
		if (*active && !r->port_set) {
			r->out->port = (int)port;
			r->port_set = true;
		}
	} else if (strcasecmp(kw, "identityfile") == 0) {
		if (*active) {
			if (r->identity.n >= SSH_CONFIG_IDENTITY_MAX)
				return line_error(r, name, lineno, -EINVAL,
						  "Too many identity files specified (max 100)");
			sv_push(&r->identity, w->v[0]);
		}
	} else if (strcasecmp(kw, "proxyjump") == 0) {
		bool none = strcasecmp(w->v[0], "none") == 0;
		if (!none && !jump_valid(w->v[0]))
			return line_error(r, name, lineno, -EINVAL, "Invalid ProxyJump");
		if (*active && !r->jump_set && !r->command_set) {
			r->jump_set = true;
			if (!none)
				r->out->proxyjump = xstrdup(w->v[0]);
		}
	} else if (strcasecmp(kw, "proxycommand") == 0) {
		if (*active && !r->jump_set && !r->command_set) {
			r->command_set = true;
			if (strcmp(rest, "none") != 0)
				r->out->proxycommand = xstrdup(rest);
		}
	}
	return 0;
}

/* Reads the lines of one file's text. */
static int read_text(struct reader *r, const char *text, size_t len, const char *name,
		     bool *active, bool nevermatch, int depth)
{
	int lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		char *line = xstrndup(text + pos, end - pos);
		pos = end + 1;
		lineno++;
		/* A NUL inside a line ends it, as for a C reader. */
		size_t n = strlen(line);
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r' ||
				 line[n - 1] == '\f'))
			line[--n] = '\0';
		char *p = line + strspn(line, " \t\r\f");
		size_t kwlen = strcspn(p, " \t\r\f=");
		if (kwlen == 0 || p[0] == '#') {
			free(line);
			continue;
		}
		char *kw = xstrndup(p, kwlen);
		char *rest = p + kwlen;
		rest += strspn(rest, " \t\r\f");
		if (*rest == '=')
			rest++;
		rest += strspn(rest, " \t\r\f");
		int rc = 0;
		struct strvec words = { 0 };
		if (*rest == '\0') {
			char *m = xasprintf("no argument after keyword \"%s\"", kw);
			rc = line_error(r, name, lineno, -EINVAL, m);
			free(m);
		} else if (!cfg_split_words(rest, &words)) {
			rc = line_error(r, name, lineno, -EINVAL, "unterminated quote");
		} else if (words.n == 0) {
			char *m = xasprintf("no argument after keyword \"%s\"", kw);
			rc = line_error(r, name, lineno, -EINVAL, m);
			free(m);
		} else {
			rc = do_keyword(r, kw, rest, &words, name, lineno, active, nevermatch, depth);
		}
		sv_free(&words);
		free(kw);
		free(line);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Moves what the reader gathered into the result. */
static void finish(struct reader *r)
{
	struct ssh_config_host *h = r->out;
	if (!h->hostname)
		h->hostname = xstrdup(r->host);
	for (char *p = h->hostname; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	h->identity = r->identity.v;
	h->n_identity = r->identity.n;
	h->notes = r->notes.v;
	h->n_notes = r->notes.n;
}

/* Starts a reader on a cleared result. */
static void reader_init(struct reader *r, const char *host, const struct ssh_config_env *env,
			struct ssh_config_host *out, char **cause)
{
	memset(r, 0, sizeof *r);
	memset(out, 0, sizeof *out);
	r->host = host;
	r->env = env;
	r->out = out;
	r->cause = cause;
}

int ssh_config_resolve_text(const char *text, size_t len, const char *name, const char *host,
			    const struct ssh_config_env *env, struct ssh_config_host *out,
			    char **cause)
{
	struct reader r;
	reader_init(&r, host, env, out, cause);
	bool active = true;
	int rc = read_text(&r, text, len, name, &active, false, 0);
	finish(&r);
	return rc < 0 ? rc : 0;
}

int ssh_config_resolve(const char *path, const char *host, const struct ssh_config_env *env,
		       struct ssh_config_host *out, char **cause)
{
	struct reader r;
	reader_init(&r, host, env, out, cause);
	bool active = true;
	int rc = read_file(&r, path, &active, false, 0);
	finish(&r);
	return rc < 0 ? rc : 0;
}

void ssh_config_host_free(struct ssh_config_host *h)
{
	free(h->hostname);
	free(h->user);
	for (size_t i = 0; i < h->n_identity; i++)
		free(h->identity[i]);
	free(h->identity);
	free(h->proxyjump);
	free(h->proxycommand);
	for (size_t i = 0; i < h->n_notes; i++)
		free(h->notes[i]);
	free(h->notes);
	memset(h, 0, sizeof *h);
}

int ssh_config_env_default(struct ssh_config_env *env, char **cause)
{
	static char home[4096], user[256], host[256];
	const struct passwd *pw = getpwuid(getuid());
	if (!pw || !pw->pw_dir || !pw->pw_name) {
		*cause = xasprintf("user %lu has no entry in the password database",
				   (unsigned long)getuid());
		return -ENOENT;
	}
	snprintf(home, sizeof home, "%s", pw->pw_dir);
	snprintf(user, sizeof user, "%s", pw->pw_name);
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	memset(env, 0, sizeof *env);
	env->home = home;
	env->local_user = user;
	env->uid = (unsigned long)getuid();
	env->local_host = host;
	env->check_perm = true;
	return 0;
}

char *ssh_config_default_path(const struct ssh_config_env *env)
{
	return xasprintf("%s/.ssh/config", env->home);
}

/* The leading ~, ~/ or ~user/ of a path replaced by the home folder.
 * Returns 0 with *out, or -EINVAL for an unknown user. */
static int expand_tilde(const char *raw, const struct ssh_config_env *env, char **out)
{
	if (raw[0] != '~') {
		*out = xstrdup(raw);
		return 0;
	}
	const char *slash = strchr(raw, '/');
	size_t nlen = slash ? (size_t)(slash - raw - 1) : strlen(raw + 1);
	const char *rest = slash ? slash : "";
	if (nlen == 0) {
		*out = xasprintf("%s%s", env->home, rest);
		return 0;
	}
	char *name = xstrndup(raw + 1, nlen);
	const struct passwd *pw = getpwnam(name);
	free(name);
	if (!pw)
		return -EINVAL;
	*out = xasprintf("%s%s", pw->pw_dir, rest);
	return 0;
}

int ssh_config_expand_path(const char *raw, const struct ssh_config_env *env,
			   const struct ssh_config_tokens *tok, char **out, char **cause)
{
	char *t = NULL;
	*out = NULL;
	if (expand_tilde(raw, env, &t) < 0) {
		*cause = xasprintf("unknown user in \"%s\"", raw);
		return -EINVAL;
	}
	struct sbuf b = { 0 };
	int rc = 0;
	for (const char *p = t; *p && rc == 0; p++) {
		if (p[0] == '$' && p[1] == '{') {
			const char *close = strchr(p + 2, '}');
			char *var = close ? xstrndup(p + 2, (size_t)(close - p - 2)) : NULL;
			const char *val = var && *var ? getenv(var) : NULL;
			if (!val) {
				*cause = xasprintf("environment variable %s in \"%s\" is not set",
						   var ? var : "(unterminated)", raw);
				rc = -EINVAL;
			} else {
				sb_add(&b, val);
				p = close;
			}
			free(var);
			continue;
		}
		if (*p != '%') {
			sb_addc(&b, *p);
			continue;
		}
		char c = *++p;
		char num[32];
		switch (c) {
		case '%': sb_addc(&b, '%'); break;
		case 'd': sb_add(&b, env->home); break;
		case 'u': sb_add(&b, env->local_user); break;
		case 'i':
			snprintf(num, sizeof num, "%lu", env->uid);
			sb_add(&b, num);
			break;
		case 'l': sb_add(&b, env->local_host ? env->local_host : ""); break;
		case 'L': {
			const char *lh = env->local_host ? env->local_host : "";
			sb_addn(&b, lh, strcspn(lh, "."));
			break;
		}
		case 'h': sb_add(&b, tok->hostname); break;
		case 'n': sb_add(&b, tok->original_host); break;
		case 'r': sb_add(&b, tok->remote_user); break;
		case 'p':
			snprintf(num, sizeof num, "%d", tok->port);
			sb_add(&b, num);
			break;
		default:
			if (c == '\0')
				*cause = xasprintf("\"%s\" ends with a lone %%", raw);
			else
				*cause = xasprintf("the token %%%c in \"%s\" is not supported", c,
						   raw);
			rc = -EINVAL;
			p--; /* stop on this byte (the loop ends on rc) */
			break;
		}
	}
	free(t);
	if (rc < 0) {
		sb_free(&b);
		return rc;
	}
	*out = sb_steal(&b);
	return 0;
}
