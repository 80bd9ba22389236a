/* check_os.c: "unsupported operating systems": the distribution, its
 * version and the kernel against the support table (content/support.json).
 * A version outside the table fails; a listed version with a kernel
 * outside the listed series warns; what cannot be told warns too (unknown
 * is a warning, not a pass). */
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/check_winhive.h"
#include "engine/osrelease.h"
#include "engine/support.h"
#include "engine/winparse.h"

/* Joins a string vector with ", " (caller frees). */
static char *join(const struct strvec *sv)
{
	struct sbuf b = { 0 };
	sb_add(&b, "");
	for (size_t i = 0; i < sv->n; i++)
		sb_printf(&b, "%s%s", i ? ", " : "", sv->v[i]);
	return sb_steal(&b);
}

/* Records what the release file said, line by line. */
static void release_evidence(struct check_result *r, const struct os_release *o,
			     const struct os_source *src)
{
	char *ev;
	if (src->path && str_ends(src->path, "os-release")) {
		if (o->id) {
			ev = xasprintf("ID=%s", o->id);
			result_file(r, src->path, o->id_line, ev);
			free(ev);
		}
		if (o->version_id && o->version_line) {
			ev = xasprintf("VERSION_ID=%s", o->version_id);
			result_file(r, src->path, o->version_line, ev);
			free(ev);
		}
		if (o->pretty_name) {
			ev = xasprintf("PRETTY_NAME=%s", o->pretty_name);
			result_file(r, src->path, o->pretty_line, ev);
			free(ev);
		}
	} else if (src->path) {
		result_file(r, src->path, 1, o->pretty_name ? o->pretty_name : "");
		if (o->version_line > 1) {
			ev = xasprintf("-> ID %s, version %s", o->id, o->version_id);
			result_file(r, src->path, o->version_line, ev);
			free(ev);
		}
	}
	if (o->bad)
		result_note(r, T("%s: %s (line skipped)", "%s：%s（已跳过该行）"), src->path,
			    o->bad);
	if (src->refined)
		result_note(r, T("version completed: %s", "版本已补全：%s"), src->refined);
}

/* Linux: the release files and the kernel against the table. */
static void run_linux(const struct check_ctx *ctx, struct check_result *r,
		      const struct support_table *tab)
{
	struct os_release o;
	struct os_source src;
	int rc = os_detect(ctx->t, &o, &src);
	release_evidence(r, &o, &src);
	const char *kfrom = NULL;
	char *kernel = os_kernel_version(ctx->t, &kfrom);
	if (kernel && strcmp(kfrom, "/proc/sys/kernel/osrelease") == 0)
		result_file(r, kfrom, 1, kernel);
	else if (kernel)
		result_note(
		    r, T("newest installed kernel %s (from %s)", "已安装的最新内核 %s（来自 %s）"),
		    kernel, kfrom);
	else
		result_note(
		    r, "%s",
		    T("kernel version unknown: no /proc/sys/kernel/osrelease, /lib/modules or /boot/vmlinuz-*",
		      "内核版本未知：没有 /proc/sys/kernel/osrelease、/lib/modules 或 /boot/vmlinuz-*"));
	struct support_answer a;
	support_evaluate(tab, o.id, o.version_id, kernel, &a);
	const char *shown = o.pretty_name ? o.pretty_name : o.name ? o.name : o.id ? o.id : "?";
	const char *ver = o.version_id ? o.version_id : "?";
	/* The table's name of the distribution (set with every verdict but
	 * an unknown one). */
	const char *dname = a.distro ? a.distro->name : shown;
	if (a.distro && a.distro->note)
		result_note(r, T("support table note on %s: %s", "支持表关于 %s 的说明：%s"),
			    a.distro->name, a.distro->note);
	if (a.globs) {
		char *g = join(a.globs);
		result_note(r, T("kernels listed for %s %s: %s", "%s %s 列出的内核：%s"),
			    dname, a.version, g);
		free(g);
	}
	char *list;
	switch (a.verdict) {
	case SUPPORT_OK:
		if (a.glob)
			result_set(r, STATUS_PASS,
				   T("%s with kernel %s is supported (matches %s; table of %s)",
				     "%s（内核 %s）受支持（匹配 %s；支持表日期 %s）"),
				   shown, kernel, a.glob, tab->as_of);
		else
			result_set(r, STATUS_PASS,
				   T("%s is supported (the table of %s lists no kernels for %s %s)",
				     "%s 受支持（%s 的支持表未列出 %s %s 的内核）"),
				   shown, tab->as_of, dname, a.version);
		break;
	case SUPPORT_KERNEL_UNLISTED:
		result_set(
		    r, STATUS_WARN,
		    T("%s is supported, but kernel %s is not among the kernels listed for it (table of %s)",
		      "%s 受支持，但内核 %s 不在为其列出的内核中（支持表日期 %s）"),
		    shown, kernel, tab->as_of);
		break;
	case SUPPORT_KERNEL_UNKNOWN:
		result_set(
		    r, STATUS_WARN,
		    T("%s is supported, but the kernel version cannot be found to compare with the listed kernels",
		      "%s 受支持，但找不到内核版本，无法与列出的内核比较"),
		    shown);
		break;
	case SUPPORT_VERSION_UNLISTED:
		list = a.distro ? join(&a.distro->versions) : xstrdup("");
		result_note(r, T("versions of %s in the table: %s", "支持表中 %s 的版本：%s"),
			    dname, list);
		free(list);
		result_set(r, STATUS_FAIL,
			   T("%s (version %s) is not in the support table of %s",
			     "%s（版本 %s）不在 %s 的支持表中"),
			   shown, ver, tab->as_of);
		break;
	case SUPPORT_DISTRO_UNLISTED:
		result_set(r, STATUS_FAIL,
			   T("%s (ID \"%s\") is not a distribution in the support table of %s",
			     "%s（ID \"%s\"）不是 %s 支持表中的发行版"),
			   shown, o.id, tab->as_of);
		break;
	case SUPPORT_UNKNOWN:
		if (rc < 0)
			result_set(
			    r, STATUS_WARN, "%s",
			    T("cannot tell the distribution: no /etc/os-release, /usr/lib/os-release, /etc/redhat-release or /etc/SuSE-release",
			      "无法确定发行版：没有 /etc/os-release、/usr/lib/os-release、/etc/redhat-release 或 /etc/SuSE-release"));
		else
			result_set(
			    r, STATUS_WARN,
			    T("cannot tell the distribution and version from %s (ID %s, VERSION_ID %s)",
			      "无法从 %s 确定发行版和版本（ID %s，VERSION_ID %s）"),
			    src.path, o.id ? o.id : "-", o.version_id ? o.version_id : "-");
		break;
	}
	free(kernel);
	free(src.refined);
	os_release_free(&o);
}

/* Windows: ProductName and the build number from the registry. Builds
 * 22000 and later call themselves "Windows 10" in ProductName but are
 * Windows 11. Runs over the Windows target's SSH; no live test here. */
#define WIN_VERSION_KEY "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
static const char *const argv_p[] = { "reg", "query", WIN_VERSION_KEY, "/v", "ProductName", NULL };
static const char *const argv_b[] = { "reg", "query", WIN_VERSION_KEY, "/v", "CurrentBuildNumber",
				      NULL };

static void run_windows(const struct check_ctx *ctx, struct check_result *r,
			const struct support_table *tab)
{
	struct cmd_result out;
	struct winreg_value pn = { 0 }, bn = { 0 };
	enum winreg_found fp = WINREG_ERROR, fb = WINREG_ERROR;
	if (result_run(r, ctx, argv_p, &out) == 0)
		fp = winreg_parse_value(out.out, out.status, "ProductName", &pn);
	cmd_result_free(&out);
	if (result_run(r, ctx, argv_b, &out) == 0)
		fb = winreg_parse_value(out.out, out.status, "CurrentBuildNumber", &bn);
	cmd_result_free(&out);
	if (fp != WINREG_FOUND) {
		result_set(r, STATUS_WARN, "%s",
			   T("cannot read the Windows product name", "无法读取 Windows 产品名称"));
	} else {
		char *product = xstrdup(pn.data);
		long build = 0;
		if (fb == WINREG_FOUND && str_to_long(bn.data, &build) && build >= 22000 &&
		    str_starts(product, "Windows 10")) {
			char *p = xasprintf("Windows 11%s", product + strlen("Windows 10"));
			free(product);
			product = p;
		}
		const char *match = support_windows(tab, product);
		if (match)
			result_set(r, STATUS_PASS,
				   T("%s is supported (listed as %s; table of %s)",
				     "%s 受支持（列为 %s；支持表日期 %s）"),
				   product, match, tab->as_of);
		else
			result_set(
			    r, STATUS_FAIL,
			    T("%s is not in the support table of %s", "%s 不在 %s 的支持表中"),
			    product, tab->as_of);
		free(product);
	}
	winreg_value_free(&pn);
	winreg_value_free(&bn);
}

/* os.supported: loads the table, then asks the Linux or Windows side. */
static void run_os(const struct check_ctx *ctx, struct check_result *r)
{
	char *cause = NULL;
	struct support_table *tab = support_load(NULL, &cause);
	if (!tab) {
		result_set(r, STATUS_ERROR, "%s", cause);
		free(cause);
		return;
	}
	result_note(r, T("support table as of %s (%s)", "支持表日期 %s（%s）"), tab->as_of,
		    tab->source);
	if (ctx->t->hive_files)
		winhive_os(ctx, r, tab);
	else if (ctx->t->os == TARGET_OS_WINDOWS)
		run_windows(ctx, r, tab);
	else
		run_linux(ctx, r, tab);
	support_free(tab);
}

/* On a live Windows machine its two registry values, asked together
 * with the other checks' commands. */
static void os_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (!ctx->t || ctx->t->os != TARGET_OS_WINDOWS || ctx->t->hive_files)
		return;
	check_command_key(out, argv_p);
	check_command_key(out, argv_b);
}

const struct check_def check_os_supported = {
	.id = "os.supported",
	.title_en = "Supported operating system and kernel",
	.title_zh = "受支持的操作系统和内核",
	.run = run_os,
	.known_commands = os_commands,
};
