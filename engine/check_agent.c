/* check_agent.c: 95265/95266, an installed Mobility agent whose filter
 * driver (the kernel module involflt) is installed but not loaded: the
 * new driver takes effect only after a reboot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/check.h"
#include "engine/osrelease.h"
#include "engine/sysparse.h"

#define VX_VERSION "/usr/local/.vx_version"
#define DRIVER "involflt"

/* Limits of the folder walk, so a huge tree cannot stall the check. */
#define WALK_DEPTH 6
#define WALK_ENTRIES 20000

struct walk {
	struct target *t;
	struct strvec *found; /* paths of files named involflt.ko* */
	size_t seen;
};

/* Looks for the driver's files under dir without following symlinked
 * folders (/lib/modules/VER/build points at the kernel sources). */
static void walk_for_driver(struct walk *w, const char *dir, int depth)
{
	struct strvec names = { 0 };
	if (depth > WALK_DEPTH || target_list(w->t, dir, &names) < 0) {
		sv_free(&names);
		return;
	}
	for (size_t i = 0; i < names.n && w->seen < WALK_ENTRIES; i++) {
		w->seen++;
		char *p = xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, names.v[i]);
		struct target_stat st;
		if (target_lstat(w->t, p, &st) == 0) {
			if (S_ISDIR(st.mode))
				walk_for_driver(w, p, depth + 1);
			else if (str_starts(names.v[i], DRIVER ".ko"))
				sv_push(w->found, p);
		}
		free(p);
	}
	sv_free(&names);
}

/* The driver files for kernel: the modules.dep entry first (what modprobe
 * would load), else a walk of /lib/modules/KERNEL. */
static void driver_for_kernel(struct target *t, const char *kernel, struct strvec *found)
{
	char *dep = xasprintf("/lib/modules/%s/modules.dep", kernel);
	char *text = NULL;
	if (target_read(t, dep, &text, NULL) == 0) {
		/* "kernel/drivers/char/involflt.ko: dep dep ..." per line. */
		for (const char *p = text; p && *p;) {
			size_t n = strcspn(p, ":\n");
			const char *base = p;
			for (const char *q = p; q < p + n; q++)
				if (*q == '/')
					base = q + 1;
			if (n > 0 && str_starts(base, DRIVER ".ko")) {
				char *rel = xstrndup(p, n);
				if (rel[0] == '/') {
					sv_take(found, rel);
				} else {
					sv_take(found,
						xasprintf("/lib/modules/%s/%s", kernel, rel));
					free(rel);
				}
			}
			const char *nl = strchr(p, '\n');
			p = nl ? nl + 1 : NULL;
		}
	}
	free(text);
	free(dep);
	if (found->n)
		return;
	char *dir = xasprintf("/lib/modules/%s", kernel);
	struct walk w = { .t = t, .found = found };
	walk_for_driver(&w, dir, 0);
	free(dir);
}

/* agent.reboot: the agent, the running kernel, and the driver loaded or installed. */
static void run_agent(const struct check_ctx *ctx, struct check_result *r)
{
	struct target *t = ctx->t;
	if (t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s",
			   T("the filter driver is checked on Linux targets only",
			     "仅在 Linux 目标上检查筛选器驱动程序"));
		return;
	}
	char *vx = NULL;
	int rc = target_read(t, VX_VERSION, &vx, NULL);
	if (rc < 0) {
		result_set(
		    r, STATUS_NA,
		    T("no Mobility agent installed (%s: %s)", "未安装移动服务代理（%s：%s）"),
		    VX_VERSION, strerror(-rc));
		return;
	}
	int vline = 0, dline = 0, oline = 0;
	char *version = kv_get(vx, "VERSION", &vline);
	char *dir = kv_get(vx, "INSTALLATION_DIR", &dline);
	char *built = kv_get(vx, "OS_BUILT_FOR", &oline);
	free(vx);
	char *ev;
	if (version) {
		ev = xasprintf("VERSION=%s", version);
		result_file(r, VX_VERSION, vline, ev);
		free(ev);
	}
	if (dir) {
		ev = xasprintf("INSTALLATION_DIR=%s", dir);
		result_file(r, VX_VERSION, dline, ev);
		free(ev);
	}
	if (built) {
		ev = xasprintf("OS_BUILT_FOR=%s", built);
		result_file(r, VX_VERSION, oline, ev);
		free(ev);
	}
	const char *agent = version ? version : T("(version unknown)", "（版本未知）");

	const char *kfrom = NULL;
	char *kernel = os_kernel_version(t, &kfrom);
	if (kernel)
		result_note(r, T("running kernel %s (from %s)", "运行的内核 %s（来自 %s）"), kernel,
			    kfrom);

	char *mods = NULL;
	int mline = 0;
	bool can_see = target_read(t, "/proc/modules", &mods, NULL) == 0;
	bool loaded = can_see && proc_modules_has(mods, DRIVER, &mline);
	if (loaded) {
		const char *eol = mods;
		for (int i = 1; i < mline && eol; i++)
			if ((eol = strchr(eol, '\n')))
				eol++;
		char *line = eol ? xstrndup(eol, strcspn(eol, "\n")) : xstrdup(DRIVER);
		result_file(r, "/proc/modules", mline, line);
		free(line);
	} else if (can_see) {
		result_note(r, T("/proc/modules does not list %s", "/proc/modules 中没有 %s"),
			    DRIVER);
	}
	free(mods);

	struct strvec for_kernel = { 0 }, in_agent = { 0 };
	if (kernel)
		driver_for_kernel(t, kernel, &for_kernel);
	for (size_t i = 0; i < for_kernel.n; i++)
		result_note(r, T("driver for the running kernel: %s", "适用于运行内核的驱动：%s"),
			    for_kernel.v[i]);
	if (dir && dir[0] == '/') {
		struct walk w = { .t = t, .found = &in_agent };
		walk_for_driver(&w, dir, 0);
		for (size_t i = 0; i < in_agent.n && i < 10; i++)
			result_note(r, T("driver shipped with the agent: %s", "代理附带的驱动：%s"),
				    in_agent.v[i]);
	}

	if (loaded) {
		result_set(r, STATUS_PASS,
			   T("agent %s installed and its filter driver %s is loaded",
			     "代理 %s 已安装，筛选器驱动 %s 已加载"),
			   agent, DRIVER);
	} else if (!can_see) {
		result_set(
		    r, STATUS_NA,
		    T("agent %s installed; whether %s is loaded cannot be seen without a running system",
		      "代理 %s 已安装；没有运行中的系统，无法判断 %s 是否已加载"),
		    agent, DRIVER);
	} else if (for_kernel.n) {
		result_set(
		    r, STATUS_WARN,
		    T("reboot pending: agent %s installed the filter driver %s for kernel %s, but it is not loaded",
		      "等待重启：代理 %s 已安装筛选器驱动 %s（内核 %s），但尚未加载"),
		    agent, DRIVER, kernel);
	} else if (in_agent.n) {
		result_set(
		    r, STATUS_WARN,
		    T("%s is not loaded and no build for the running kernel %s is installed: the agent may not support this kernel",
		      "%s 未加载，且没有为运行的内核 %s 安装的版本：代理可能不支持此内核"),
		    DRIVER, kernel ? kernel : "?");
	} else {
		result_set(
		    r, STATUS_WARN,
		    T("agent %s installed, but its filter driver %s is neither loaded nor installed",
		      "代理 %s 已安装，但其筛选器驱动 %s 既未加载也未安装"),
		    agent, DRIVER);
	}
	sv_free(&for_kernel);
	sv_free(&in_agent);
	free(kernel);
	free(version);
	free(dir);
	free(built);
}

const struct check_def check_agent_reboot = {
	.id = "agent.reboot",
	.title_en = "Mobility agent filter driver loaded",
	.title_zh = "移动服务代理筛选器驱动已加载",
	.run = run_agent,
};
