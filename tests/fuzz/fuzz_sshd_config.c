/* fuzz_sshd_config.c: the sshd_config reader (Include drop-ins, Match
 * blocks, quoting, CRLF, first value wins) and its evaluation for the push
 * install's connection. The input is one or more files: the bytes before
 * the first "%% PATH" line are /etc/ssh/sshd_config, each "%% PATH" line
 * starts another file (a relative PATH is under /etc/ssh), read from
 * memory through sshd_config_load_with; /etc/passwd and /etc/group parts
 * are written into the examined root instead (Match Group reads them). */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/sshd_config.h"
#include "engine/target/target.h"

FUZZ_DECLARE(sshd_config);

#define MAX_FILES 16

/* Every reference the loader hands out points at a line it read. */
static void check_config(const struct sshd_config *cfg)
{
	for (size_t f = 0; f < cfg->nfiles; f++) {
		const struct sshd_file *fi = &cfg->files[f];
		for (size_t i = 0; i < fi->nlines; i++) {
			const struct sshd_line *l = &fi->lines[i];
			if (l->lineno != (int)i + 1)
				fuzz_fail("sshd_config: %s line %zu numbered %d", fi->path, i + 1,
					  l->lineno);
			for (size_t k = 0; k < l->nincludes; k++)
				if (l->includes[k] < 0 || (size_t)l->includes[k] >= cfg->nfiles)
					fuzz_fail("sshd_config: include index %d out of range",
						  l->includes[k]);
			sshd_line_block(cfg, (int)f, l->lineno);
		}
		for (int k = 0; k < SSHD_KEY_COUNT; k++)
			sshd_config_find_commented(cfg, (int)f, (enum sshd_key)k);
	}
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (!cfg->diags[i].message || !cfg->diags[i].message[0])
			fuzz_fail("sshd_config: a diagnostic without a message");
	if (cfg->nerrors && !sshd_config_first_error(cfg))
		fuzz_fail("sshd_config: errors counted but none found");
}

/* Evaluates for one connection and checks where each value comes from. */
static void eval_and_check(struct sshd_config *cfg, const struct sshd_conn *conn)
{
	sshd_config_eval(cfg, conn);
	for (int k = 0; k < SSHD_KEY_COUNT; k++) {
		const struct sshd_setting *s = sshd_config_get(cfg, (enum sshd_key)k);
		if (!s->value && k != SSHD_SUBSYSTEM_SFTP)
			fuzz_fail("sshd_config: %s has no value", sshd_key_name((enum sshd_key)k));
		if (!s->is_default && !sshd_config_line(cfg, s->file, s->line))
			fuzz_fail("sshd_config: %s decided by a line that does not exist (%d:%d)",
				  sshd_key_name((enum sshd_key)k), s->file, s->line);
		for (size_t i = 0; i < s->nalts; i++)
			if (!sshd_config_line(cfg, s->alts[i].file, s->alts[i].line))
				fuzz_fail("sshd_config: alternative line out of range");
		for (size_t i = 0; i < s->nothers; i++)
			if (!sshd_config_line(cfg, s->others[i].file, s->others[i].line))
				fuzz_fail("sshd_config: losing line out of range");
		free(sshd_setting_where(cfg, s));
	}
}

int FUZZ_ENTRY(sshd_config)(const uint8_t *data, size_t size)
{
	static struct target *t;
	static char root[4096];
	if (!t) {
		snprintf(root, sizeof root, "%s/sshd-root", fuzz_tmpdir());
		fuzz_write(root, "etc/ssh/.keep", NULL, 0);
		char *cause = NULL;
		t = target_root_new(root, &cause);
		if (!t)
			fuzz_fail("target_root_new: %s", cause);
	}
	struct fuzz_part parts[MAX_FILES];
	size_t np = fuzz_split(data, size, parts, MAX_FILES);
	struct sshd_override ov[MAX_FILES];
	char *paths[MAX_FILES] = { 0 };
	size_t nov = 0;
	bool wrote = false;
	for (size_t i = 0; i < np; i++) {
		const char *name = parts[i].name;
		if (strcmp(name, "/etc/passwd") == 0 || strcmp(name, "/etc/group") == 0) {
			fuzz_write(root, name, parts[i].data, parts[i].size);
			wrote = true;
			continue;
		}
		if (i == 0)
			paths[nov] = strdup(SSHD_CONFIG_PATH);
		else if (name[0] == '/')
			paths[nov] = strdup(name);
		else {
			paths[nov] = malloc(strlen(SSHD_CONFIG_DIR) + strlen(name) + 2);
			sprintf(paths[nov], "%s/%s", SSHD_CONFIG_DIR, name);
		}
		ov[nov] = (struct sshd_override){ .path = paths[nov],
						  .data = (const char *)parts[i].data,
						  .len = parts[i].size };
		nov++;
	}
	struct sshd_config *cfg = sshd_config_load_with(t, NULL, ov, nov);
	check_config(cfg);
	eval_and_check(cfg, NULL);
	struct sshd_conn conn = { .user = "root", .host = "ps.example.com", .addr = "10.0.0.5",
				  .laddr = "10.0.0.4", .lport = 22 };
	eval_and_check(cfg, &conn);
	struct sshd_conn v6 = { .user = "azureuser", .addr = "fd00::5", .lport = 2222 };
	eval_and_check(cfg, &v6);
	sshd_config_free(cfg);
	for (size_t i = 0; i < nov; i++)
		free(paths[i]);
	if (wrote) {
		char p[4200];
		snprintf(p, sizeof p, "%s/etc/passwd", root);
		unlink(p);
		snprintf(p, sizeof p, "%s/etc/group", root);
		unlink(p);
	}
	return 0;
}
