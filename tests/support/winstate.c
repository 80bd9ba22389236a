/* winstate.c: the stand-in's state folder and a target that runs the
 * stand-in (see winstate.h). */
#include "support/winstate.h"

#include "support/testutil.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "engine/util/winquote.h"
#include "engine/util/wintext.h"

const char *ws_standin(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("ASR_WIN_STANDIN");
	if (env && *env)
		return env;
	if (!path[0]) {
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n <= 0)
			return "win-standin";
		exe[n] = '\0';
		/* .../tests/engine/test_x -> .../tests/support/win-standin */
		for (int up = 0; up < 2; up++) {
			char *slash = strrchr(exe, '/');
			if (slash)
				*slash = '\0';
		}
		snprintf(path, sizeof path, "%s/support/win-standin", exe);
	}
	return path;
}

void ws_set(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	tu_write_file(p, text);
	free(p);
}

char *ws_get(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	char *s = util_read_file(p, 1 << 24, NULL);
	free(p);
	return s ? s : xstrdup("");
}

/* The rules of the two groups, as Windows Server 2019 names them (the
 * names are the rules' language-independent ids), and Remote Desktop. */
static const char *const seed_rules =
    "FPS-ICMP4-ERQ-In\t@FirewallAPI.dll,-28502\tNo\tIn\tDomain,Private,Public\t"
    "File and Printer Sharing\tICMPv4\tAny\tFile and Printer Sharing (Echo Request - ICMPv4-In)\n"
    "FPS-NB_Session-In-TCP\t@FirewallAPI.dll,-28502\tNo\tIn\tDomain,Private,Public\t"
    "File and Printer Sharing\tTCP\t139\tFile and Printer Sharing (NB-Session-In)\n"
    "FPS-SMB-In-TCP\t@FirewallAPI.dll,-28502\tNo\tIn\tDomain,Private,Public\t"
    "File and Printer Sharing\tTCP\t445\tFile and Printer Sharing (SMB-In)\n"
    "FPS-NB_Name-In-UDP\t@FirewallAPI.dll,-28502\tNo\tIn\tDomain,Private,Public\t"
    "File and Printer Sharing\tUDP\t137\tFile and Printer Sharing (NB-Name-In)\n"
    "WMI-WINMGMT-In-TCP-NoScope\t@FirewallAPI.dll,-34251\tNo\tIn\tDomain\t"
    "Windows Management Instrumentation (WMI)\tTCP\tRPC\tWindows Management Instrumentation (WMI-In)\n"
    "WMI-WINMGMT-In-TCP\t@FirewallAPI.dll,-34251\tNo\tIn\tPrivate,Public\t"
    "Windows Management Instrumentation (WMI)\tTCP\tRPC\tWindows Management Instrumentation (WMI-In)\n"
    "WMI-RPCSS-In-TCP-NoScope\t@FirewallAPI.dll,-34251\tNo\tIn\tDomain\t"
    "Windows Management Instrumentation (WMI)\tTCP\t135\tWindows Management Instrumentation (DCOM-In)\n"
    "WMI-ASYNC-In-TCP-NoScope\t@FirewallAPI.dll,-34251\tNo\tIn\tDomain\t"
    "Windows Management Instrumentation (WMI)\tTCP\tAny\tWindows Management Instrumentation (ASync-In)\n"
    "RemoteDesktop-UserMode-In-TCP\t@FirewallAPI.dll,-28752\tYes\tIn\tDomain,Private,Public\t"
    "Remote Desktop\tTCP\t3389\tRemote Desktop - User Mode (TCP-In)\n";

void ws_seed(const char *dir)
{
	mkdir(dir, 0700);
	ws_set(dir, "host", "WEB01\n");
	ws_set(dir, "user", "WEB01\\asrpush\n");
	ws_set(dir, "groups", "admin\n");
	ws_set(dir, "codepage", "850\n");
	ws_set(dir, "lang", "en\n");
	ws_set(dir, "trust", "True\n");
	ws_set(dir, "reach", "cs01.contoso.com\n");
	struct sbuf reg = { 0 };
	sb_add(&reg, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\"
		     "System\tEnableLUA\tREG_DWORD\t0x1\n");
	sb_add(&reg, "HKEY_LOCAL_MACHINE\\SYSTEM\\Select\tCurrent\tREG_DWORD\t0x1\n");
	/* What Windows Server 2019 keeps (reg-productname-2019.txt,
	 * reg-currentbuild-17763.txt); ver reads the build from here. */
	sb_add(&reg, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\t"
		     "ProductName\tREG_SZ\tWindows Server 2019 Datacenter\n"
		     "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\t"
		     "CurrentBuildNumber\tREG_SZ\t17763\n"
		     "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\t"
		     "CurrentBuild\tREG_SZ\t17763\n"
		     "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\t"
		     "UBR\tREG_DWORD\t0x1562\n");
	static const char *const drivers[][2] = {
		{ "atapi", "0x0" },   { "intelide", "0x3" }, { "storflt", "0x0" },
		{ "vmbus", "0x0" },   { "storvsc", "0x0" },
	};
	for (int set = 1; set <= 2; set++)
		for (size_t d = 0; d < ARRAY_LEN(drivers); d++)
			sb_printf(&reg,
				  "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet00%d\\Services\\%s\tStart\t"
				  "REG_DWORD\t%s\n",
				  set, drivers[d][0], drivers[d][1]);
	ws_set(dir, "registry", sb_str(&reg));
	sb_free(&reg);
	ws_set(dir, "users", "Administrator\tYes\t\t\nasrpush\tNo\t\tASR push account\n");
	ws_set(dir, "services",
	       "Netlogon\tSTOPPED\t4\tNetlogon\n"
	       "Winmgmt\tRUNNING\t2\tWindows Management Instrumentation\t30  WIN32\n"
	       "VSS\tSTOPPED\t3\tVolume Shadow Copy\n"
	       "MSDTC\tRUNNING\t2\tDistributed Transaction Coordinator\n"
	       "COMSysApp\tSTOPPED\t3\tCOM+ System Application\n");
	ws_set(dir, "shares",
	       "C$\tC:\\\tDefault share\nIPC$\t\tRemote IPC\nADMIN$\tC:\\Windows\tRemote Admin\n");
	ws_set(dir, "fwstate", "ON ON ON\n");
	ws_set(dir, "rules", seed_rules);
	/* The system drive as its SFTP shows it (/C:/...): the folders a
	 * fresh Windows Server has where asr-doctor looks, nothing of
	 * asr-doctor's own yet. */
	assert_int_equal(tu_sh(NULL,
			       "rm -rf '%s/fs' && mkdir -p '%s/fs/C:/ProgramData' "
			       "'%s/fs/C:/Users/asrpush' '%s/fs/C:/Windows/System32'",
			       dir, dir, dir, dir),
			 0);
	ws_set(dir, "programs",
	       "C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\agent\\"
	       "InMageVSSProvider_Install.cmd\n");
}

int ws_run(const char *dir, const char *line, char **out, size_t *out_len, char **err)
{
	const char *argv[] = { ws_standin(), "--state", dir, line, NULL };
	struct cmd_result r;
	int rc = proc_run(argv, 20000, NULL, &r);
	assert_int_equal(rc, 0);
	if (out_len)
		*out_len = strlen(r.out);
	if (out)
		*out = r.out;
	else
		free(r.out);
	if (err)
		*err = r.err;
	else
		free(r.err);
	return r.status;
}

/* ---- the target ---- */

static struct target_ops ws_ops;
static char *ws_state;
static unsigned ws_codepage;
static void (*root_destroy)(struct target *t);

static int ws_target_run(struct target *t, const char *const argv[], int timeout_ms,
			 struct cmd_result *out)
{
	(void)t;
	memset(out, 0, sizeof *out);
	char *line = win_cmdline(argv, true);
	if (!line)
		return -EINVAL;
	const char *run[] = { ws_standin(), "--state", ws_state, line, NULL };
	struct cmd_result r;
	int rc = proc_run(run, timeout_ms > 0 ? timeout_ms : 20000, NULL, &r);
	free(line);
	if (rc < 0)
		return rc;
	out->status = r.status;
	out->timed_out = r.timed_out;
	out->out = win_text_utf8(r.out, strlen(r.out), ws_codepage, NULL);
	out->err = win_text_utf8(r.err, strlen(r.err), ws_codepage, NULL);
	cmd_result_free(&r);
	return 0;
}

static void ws_target_destroy(struct target *t)
{
	free(ws_state);
	ws_state = NULL;
	if (root_destroy)
		root_destroy(t);
}

struct target *ws_target(const char *root, const char *state)
{
	char *cause = NULL;
	struct target *t = target_root_new(root, &cause);
	if (!t)
		print_error("%s\n", cause);
	free(cause);
	assert_non_null(t);
	ws_ops = *t->ops;
	root_destroy = t->ops->destroy;
	ws_ops.run = ws_target_run;
	ws_ops.destroy = ws_target_destroy;
	t->ops = &ws_ops;
	t->os = TARGET_OS_WINDOWS;
	t->can_run = true;
	t->live = true;
	free(ws_state);
	ws_state = xstrdup(state);
	/* The console's code page, asked once as a connection would. */
	char *o = NULL;
	assert_int_equal(ws_run(state, "chcp", &o, NULL, NULL), 0);
	ws_codepage = win_chcp_parse(o);
	free(o);
	assert_true(ws_codepage > 0);
	return t;
}
