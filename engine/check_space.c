/* check_space.c: 95524, free space where the agent is copied (100 MB,
 * the article) and, as the support matrix asks, on / (2 GB) and on the
 * install folder (600 MB). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check_misc.h"
#include "engine/sysparse.h"

#define MB (1024ull * 1024ull)

char *agent_install_dir(struct target *t)
{
	char *text = NULL, *dir = NULL;
	if (target_read(t, "/usr/local/.vx_version", &text, NULL) == 0)
		dir = kv_get(text, "INSTALLATION_DIR", NULL);
	free(text);
	if (dir && dir[0] == '/')
		return dir;
	free(dir);
	return xstrdup("/usr/local/ASR");
}

/* The path itself when it exists, else its nearest existing parent
 * (caller frees). */
static char *nearest_existing(struct target *t, const char *path)
{
	char *p = xstrdup(path);
	while (!target_exists(t, p)) {
		char *slash = strrchr(p, '/');
		if (!slash || slash == p) {
			strcpy(p, "/");
			break;
		}
		*slash = '\0';
	}
	return p;
}

void space_evaluate(const struct check_ctx *ctx, struct check_result *r,
		    const struct space_need *needs, size_t n)
{
	struct sbuf low = { 0 }, ok = { 0 };
	bool error = false;
	for (size_t i = 0; i < n; i++) {
		const struct space_need *nd = &needs[i];
		const char *what = T(nd->what_en, nd->what_zh);
		char *at = nearest_existing(ctx->t, nd->path);
		/* Measured elsewhere: the nearest existing parent stands in. */
		char *where = strcmp(at, nd->path) == 0
				  ? xstrdup("")
				  : xasprintf(T("; measured on %s, the nearest existing folder",
						"；在最近的已存在目录 %s 上测量"),
					      at);
		struct target_vfs v;
		int rc = target_statvfs(ctx->t, at, &v);
		if (rc < 0) {
			result_note(r,
				    T("%s (%s%s): cannot measure: %s", "%s（%s%s）：无法测量：%s"),
				    nd->path, what, where, strerror(-rc));
			error = true;
			free(where);
			free(at);
			continue;
		}
		unsigned long long avail = v.avail / MB, total = v.total / MB;
		result_note(r,
			    T("%s (%s%s): %llu MB available of %llu MB; needs %llu MB",
			      "%s（%s%s）：可用 %llu MB，共 %llu MB；需要 %llu MB"),
			    nd->path, what, where, avail, total, nd->need_mb);
		free(where);
		struct sbuf *b = avail < nd->need_mb ? &low : &ok;
		if (b->len)
			sb_add(b, T("; ", "；"));
		if (b == &low)
			sb_printf(b, T("%s %llu MB (needs %llu MB)", "%s %llu MB（需要 %llu MB）"),
				  nd->path, avail, nd->need_mb);
		else
			sb_printf(b, "%s %llu MB", nd->path, avail);
		free(at);
	}
	if (low.len)
		result_set(r, STATUS_FAIL, T("not enough free space: %s", "可用空间不足：%s"),
			   sb_str(&low));
	else if (error)
		result_set(
		    r, STATUS_ERROR, "%s",
		    T("free space could not be measured everywhere", "无法测量所有位置的可用空间"));
	else
		result_set(r, STATUS_PASS, T("enough free space: %s", "可用空间充足：%s"),
			   sb_str(&ok));
	sb_free(&low);
	sb_free(&ok);
}

/* space.free with the real needs: /tmp, / and the install folder. */
static void run_space(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s",
			   T("free space is checked on Linux targets only",
			     "仅在 Linux 目标上检查可用空间"));
		return;
	}
	char *inst = agent_install_dir(ctx->t);
	const struct space_need needs[] = {
		{ "/tmp", 100, "agent copy", "代理复制位置" },
		{ "/", 2048, "root file system", "根文件系统" },
		{ inst, 600, "install folder", "安装目录" },
	};
	space_evaluate(ctx, r, needs, ARRAY_LEN(needs));
	free(inst);
}

const struct check_def check_space_free = {
	.id = "space.free",
	.title_en = "Free disk space",
	.title_zh = "可用磁盘空间",
	.run = run_space,
};
