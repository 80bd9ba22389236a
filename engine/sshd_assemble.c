/* sshd_assemble.c: the examined root's sshd configuration copied into a
 * private folder for this machine's sshd to judge (see sshd_assemble.h).
 *
 * The copies are f0.conf (the main file), f1.conf, ... in reading order,
 * one per inclusion. An Include line becomes an Include of the copies of
 * exactly the files it brought in (or of a pattern that matches nothing
 * when it brought in none), so sshd never expands a path of this machine.
 * HostKey and HostCertificate lines point at copies of the root's files;
 * when no line names a key, the root's default keys are handed over with
 * -h (which keeps sshd from loading this machine's own), or a throwaway
 * key when the root has none. Every other line is copied as read. */
#include "engine/sshd_assemble.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/msg.h"
#include "engine/content.h"
#include "engine/sshd_keywords.h"

/* The keys sshd loads when no HostKey line names one. */
static const char *const default_keys[] = { "/etc/ssh/ssh_host_rsa_key",
					    "/etc/ssh/ssh_host_ecdsa_key",
					    "/etc/ssh/ssh_host_ed25519_key" };

/* Where sshd may live on this machine. */
static const char *const programs[] = { "/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd" };

/* Writes len bytes to a new file at path with mode 0600. */
static int write_new(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int rc = 0;
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* A path as one sshd argument: quoted when it holds blanks. */
static void add_path_arg(struct sbuf *b, const char *path)
{
	if (strpbrk(path, " \t"))
		sb_printf(b, " \"%s\"", path);
	else
		sb_printf(b, " %s", path);
}

/* The leading blanks of a line, copied. */
static void add_indent(struct sbuf *b, const char *text)
{
	sb_addn(b, text, strspn(text, " \t"));
}

/* Copies a key (or certificate) file of the root into the folder as
 * key<n>; returns the copy's path (caller frees), or NULL when the root
 * has no such regular file. */
static char *copy_key(struct target *t, struct sshd_assembly *a, const char *path)
{
	if (path[0] != '/')
		return NULL;
	char *data = NULL;
	size_t len = 0;
	if (target_read(t, path, &data, &len) < 0) {
		free(data);
		return NULL;
	}
	char *copy = xasprintf("%s/key%zu", a->dir, a->keys.n);
	int rc = write_new(copy, data, len);
	/* A host key is a secret: the bytes do not outlive the copy. */
	explicit_bzero(data, len);
	free(data);
	if (rc < 0) {
		free(copy);
		return NULL;
	}
	sv_push(&a->keys, copy);
	return copy;
}

/* Renders file i of cfg for the folder. */
static void render_file(const struct sshd_config *cfg, struct target *t, struct sshd_assembly *a,
			size_t i, struct sbuf *b, bool *named_key)
{
	const struct sshd_file *f = &cfg->files[i];
	for (size_t k = 0; k < f->nlines; k++) {
		const struct sshd_line *l = &f->lines[k];
		bool inc = l->kind == SSHD_LINE_DIRECTIVE && strcmp(l->keyword, "include") == 0;
		bool key = l->kind == SSHD_LINE_DIRECTIVE && l->nargs > 0 &&
			   (strcmp(l->keyword, "hostkey") == 0 ||
			    strcmp(l->keyword, "hostdsakey") == 0 ||
			    strcmp(l->keyword, "hostcertificate") == 0);
		if (inc && l->nargs > 0) {
			add_indent(b, l->text);
			sb_add(b, "Include");
			for (size_t j = 0; j < l->nincludes; j++)
				add_path_arg(b, a->copies.v[l->includes[j]]);
			if (!l->nincludes) {
				char *none = xasprintf("%s/nothing-%zu-%d-*", a->dir, i, l->lineno);
				add_path_arg(b, none);
				free(none);
			}
		} else if (key) {
			if (strcmp(l->keyword, "hostcertificate") != 0)
				*named_key = true;
			char *copy = copy_key(t, a, l->args[0]);
			add_indent(b, l->text);
			sb_addn(b, l->text + strspn(l->text, " \t"),
				strcspn(l->text + strspn(l->text, " \t"), " \t="));
			if (copy) {
				add_path_arg(b, copy);
			} else {
				/* Not in the root: a path that does not exist
				 * either, as sshd would find it. */
				char *none = xasprintf("%s/missing-%zu-%d", a->dir, i, l->lineno);
				add_path_arg(b, none);
				free(none);
			}
			free(copy);
		} else {
			sb_add(b, l->text);
		}
		sb_addc(b, '\n');
	}
}

/* Assembles the configuration into a new private folder. */
int sshd_assembly_build(const struct sshd_config *cfg, struct target *t, struct sshd_assembly *a,
			char **cause)
{
	memset(a, 0, sizeof *a);
	*cause = NULL;
	if (cfg->nfiles == 0 || sshd_config_first_unreadable(cfg)) {
		*cause = xstrdup(T("the configuration was not read whole", "配置未被完整读取"));
		return -EINVAL;
	}
	for (size_t i = 0; i < cfg->nfiles; i++)
		if (!cfg->files[i].loaded) {
			*cause = xasprintf(T("%s was not read whole", "%s 未被完整读取"),
					   cfg->files[i].path);
			return -EINVAL;
		}
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/asr-doctor-sshd-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (strchr(dir, '"') || !mkdtemp(dir)) {
		int err = strchr(dir, '"') ? EINVAL : errno;
		*cause = xasprintf(T("cannot make a folder for the copy (%s): %s",
				     "无法为副本创建文件夹（%s）：%s"),
				   dir, strerror(err));
		free(dir);
		return -err;
	}
	a->dir = dir;
	for (size_t i = 0; i < cfg->nfiles; i++) {
		sv_take(&a->copies, xasprintf("%s/f%zu.conf", dir, i));
		sv_push(&a->sources, cfg->files[i].path);
	}
	a->main = xstrdup(a->copies.v[0]);
	bool named_key = false;
	for (size_t i = 0; i < cfg->nfiles; i++) {
		struct sbuf b = { 0 };
		sb_addn(&b, "", 0);
		render_file(cfg, t, a, i, &b, &named_key);
		int rc = write_new(a->copies.v[i], b.s, b.len);
		sb_free(&b);
		if (rc < 0) {
			*cause = xasprintf(T("cannot write %s: %s", "无法写入 %s：%s"), a->copies.v[i],
					   strerror(-rc));
			sshd_assembly_free(a);
			return rc;
		}
	}
	/* The keys are then handed over with -h: only those counted below. */
	size_t named = a->keys.n;
	if (!named_key)
		for (size_t k = 0; k < ARRAY_LEN(default_keys); k++)
			free(copy_key(t, a, default_keys[k]));
	if (!named_key && a->keys.n == named) {
		char *key = xasprintf("%s/generated_key", dir);
		const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key, NULL };
		struct cmd_result r;
		if (proc_run(argv, 10000, NULL, &r) == 0 && r.status == 0) {
			sv_push(&a->keys, key);
			a->generated_key = true;
		}
		cmd_result_free(&r);
		free(key);
	}
	/* Keys named by HostKey lines are loaded from the copies; only the
	 * defaults (or the throwaway key) are passed with -h. */
	for (size_t k = 0; k < named; k++)
		free(a->keys.v[k]);
	memmove(a->keys.v, a->keys.v + named, (a->keys.n - named) * sizeof *a->keys.v);
	a->keys.n -= named;
	return 0;
}

/* Removes the folder and frees the assembly. */
void sshd_assembly_free(struct sshd_assembly *a)
{
	if (!a)
		return;
	if (a->dir)
		content_remove_tree(a->dir);
	free(a->dir);
	free(a->main);
	sv_free(&a->copies);
	sv_free(&a->sources);
	sv_free(&a->keys);
	memset(a, 0, sizeof *a);
}

/* Replaces the copies' paths with the root's. */
char *sshd_assembly_unmap(const struct sshd_assembly *a, const char *text)
{
	struct sbuf b = { 0 };
	sb_addn(&b, "", 0);
	size_t dl = a->dir ? strlen(a->dir) : 0;
	for (const char *p = text ? text : ""; *p;) {
		bool done = false;
		if (dl && strncmp(p, a->dir, dl) == 0 && p[dl] == '/')
			for (size_t i = a->copies.n; i-- > 0 && !done;) {
				size_t cl = strlen(a->copies.v[i]);
				if (strncmp(p, a->copies.v[i], cl) == 0) {
					sb_add(&b, a->sources.v[i]);
					p += cl;
					done = true;
				}
			}
		if (!done)
			sb_addc(&b, *p++);
	}
	return sb_steal(&b);
}

/* This machine's sshd. */
const char *sshd_program_here(void)
{
	for (size_t i = 0; i < ARRAY_LEN(programs); i++)
		if (access(programs[i], X_OK) == 0)
			return programs[i];
	return NULL;
}

/* This machine's sshd release, from `sshd -V`. */
int sshd_release_here(const char *prog, int timeout_ms)
{
	const char *argv[] = { prog, "-V", NULL };
	struct cmd_result r;
	int v = 0;
	if (proc_run(argv, timeout_ms, NULL, &r) == 0) {
		v = sshd_version_in_text(r.err ? r.err : "", r.err ? strlen(r.err) : 0);
		if (!v && r.out)
			v = sshd_version_in_text(r.out, strlen(r.out));
	}
	cmd_result_free(&r);
	return v;
}

/* Runs sshd -t on the assembly. */
enum sshd_judgement sshd_assembly_judge(const struct sshd_assembly *a, const char *prog,
					int timeout_ms, char **command, char **output, int *status)
{
	*command = NULL;
	*output = NULL;
	*status = -1;
	if (!prog)
		return SSHD_JUDGED_CANNOT;
	struct strvec argv = { 0 };
	sv_push(&argv, prog);
	sv_push(&argv, "-t");
	sv_push(&argv, "-f");
	sv_push(&argv, a->main);
	for (size_t i = 0; i < a->keys.n; i++) {
		sv_push(&argv, "-h");
		sv_push(&argv, a->keys.v[i]);
	}
	const char **v = xcalloc(argv.n + 1, sizeof *v);
	struct sbuf shown = { 0 };
	for (size_t i = 0; i < argv.n; i++) {
		v[i] = argv.v[i];
		sb_printf(&shown, "%s%s", i ? " " : "", argv.v[i]);
	}
	struct cmd_result r;
	int rc = proc_run(v, timeout_ms, NULL, &r);
	free(v);
	*command = sshd_assembly_unmap(a, sb_str(&shown));
	sb_free(&shown);
	sv_free(&argv);
	if (rc < 0) {
		*output = xasprintf(T("cannot run: %s", "无法运行：%s"), strerror(-rc));
		return SSHD_JUDGED_CANNOT;
	}
	*status = r.status;
	char *both = xasprintf("%s%s", r.out ? r.out : "", r.err ? r.err : "");
	*output = sshd_assembly_unmap(a, both);
	free(both);
	enum sshd_judgement j = SSHD_JUDGED_ACCEPTS;
	if (r.timed_out || r.status < 0)
		j = SSHD_JUDGED_CANNOT;
	else if (r.status != 0)
		j = strstr(*output, "privilege separation directory") ||
			    strstr(*output, "no hostkeys available") ||
			    strstr(*output, "Permission denied")
			    ? SSHD_JUDGED_CANNOT
			    : SSHD_JUDGED_REFUSES;
	cmd_result_free(&r);
	return j;
}
