/* check_resources.c: 95572/95573, enough free memory for the installer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"

/* The installer unpacks and starts several services; below these amounts
 * of available memory installs have been seen to fail. */
#define MEM_FAIL_MB 256
#define MEM_WARN_MB 512

/* Reads "Key:   1234 kB" from /proc/meminfo text; -1 when missing. */
static long long meminfo_kb(const char *text, const char *key, int *line)
{
	int ln = 1;
	size_t kl = strlen(key);
	for (const char *p = text; *p; ln++) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			*line = ln;
			long long v = strtoll(p + kl + 1, NULL, 10);
			/* Beyond an exbibyte is a damaged file, not memory (and
			 * sums of such values would overflow). */
			return v >= 0 && v <= (1LL << 50) ? v : -1;
		}
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	return -1;
}

static void run_memory(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s",
			   T("not applicable on Windows: this check reads Linux's /proc/meminfo; "
			     "see the available memory in Task Manager (Performance, Memory)",
			     "不适用于 Windows：此检查读取 Linux 的 /proc/meminfo；"
			     "请在任务管理器（性能，内存）中查看可用内存"));
		return;
	}
	char *text = NULL;
	int rc = target_read(ctx->t, "/proc/meminfo", &text, NULL);
	if (rc < 0) {
		result_set(r, STATUS_NA, "%s",
			   ctx->t->live ? T("/proc/meminfo cannot be read", "无法读取 /proc/meminfo")
					: T("no running system to measure (mounted root)",
					    "没有可测量的运行系统（挂载的根目录）"));
		return;
	}
	int line = 0;
	long long avail = meminfo_kb(text, "MemAvailable", &line);
	const char *key = "MemAvailable";
	if (avail < 0) {
		/* Kernels before 3.14 have no MemAvailable: free + cached. */
		int l2 = 0;
		long long fr = meminfo_kb(text, "MemFree", &line), ca = meminfo_kb(text, "Cached", &l2);
		if (fr >= 0)
			avail = fr + (ca > 0 ? ca : 0);
		key = "MemFree+Cached";
	}
	if (avail < 0) {
		result_set(r, STATUS_ERROR, "%s", T("/proc/meminfo has no MemAvailable or MemFree",
						    "/proc/meminfo 中没有 MemAvailable 或 MemFree"));
		free(text);
		return;
	}
	char shown[128];
	snprintf(shown, sizeof shown, "%s: %lld kB", key, avail);
	result_file(r, "/proc/meminfo", line, shown);
	long long mb = avail / 1024;
	result_note(r, T("thresholds: fail below %d MB, warn below %d MB", "阈值：低于 %d MB 失败，低于 %d MB 警告"),
		    MEM_FAIL_MB, MEM_WARN_MB);
	if (mb < MEM_FAIL_MB)
		result_set(r, STATUS_FAIL, T("only %lld MB of memory available (needs %d MB)",
					     "仅有 %lld MB 可用内存（需要 %d MB）"), mb, MEM_FAIL_MB);
	else if (mb < MEM_WARN_MB)
		result_set(r, STATUS_WARN, T("%lld MB of memory available; %d MB or more is safer",
					     "可用内存 %lld MB；建议至少 %d MB"), mb, MEM_WARN_MB);
	else
		result_set(r, STATUS_PASS, T("%lld MB of memory available", "可用内存 %lld MB"), mb);
	free(text);
}

const struct check_def check_memory = {
	.id = "resources.memory",
	.title_en = "Available memory",
	.title_zh = "可用内存",
	.run = run_memory,
};
