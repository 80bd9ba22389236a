/* main.c: option parsing and command dispatch for asr-doctor. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/content.h"
#include "engine/change/guard.h"
#include "engine/undo.h"

static const char usage_text[] =
	"Usage: asr-doctor [OPTION]... [COMMAND [ARG]...]\n"
	"Troubleshoot Azure Site Recovery Mobility Service push installation.\n"
	"\n"
	"Without a command, opens the troubleshooting wizard on this machine.\n"
	"\n"
	"Commands:\n"
	"  check [ID|ANCHOR|CHECK]...  run the live checks (all, or those of the\n"
	"                    sections named) and print the results\n"
	"  report            everything found (machine facts, every check with its\n"
	"                    evidence, the fixes applied), for a support case\n"
	"  fix ID|ANCHOR|FIX plan the fix for the failing checks of that section,\n"
	"                    show it, and apply it after confirmation\n"
	"  undo [ENTRY]      restore the files of the last fix (or of ENTRY)\n"
	"  history           the journal of applied fixes\n"
	"  confirm [ENTRY]   keep an sshd change made over SSH (from a new login;\n"
	"                    with --target, over a new connection to that machine)\n"
	"  explain ID        print the section for an ErrorID (e.g. 95320), an\n"
	"                    installer code (0x8004E00F, -2147164145, \"exit code\n"
	"                    511\"), an anchor, or a pasted portal message\n"
	"  log [FILE]...     list the codes in installer logs (UTF-16 or UTF-8) with\n"
	"                    the sections to open; without FILE, the logs in their\n"
	"                    known places on this machine or under --root (the\n"
	"                    check log.codes reads them too, the last 4 MB of each)\n"
	"  tree              print the troubleshooting tree with anchors and ErrorIDs\n"
	"  probe [USER@]HOST[:PORT]  replay the push install's steps against a\n"
	"                    Linux machine (resolve, connect, SSH, password login as\n"
	"                    root, SFTP, free space, a test file, the OS); stops at\n"
	"                    the first that fails and names its ErrorID\n"
	"  fleet REPORT...   summarize many hosts' reports (check --json or report\n"
	"                    --json, one file per host): which hosts will fail a\n"
	"                    push install and why\n"
	"\n"
	"Options:\n"
	"      --root DIR    examine a mounted root (an OS disk attached to a rescue\n"
	"                    machine) instead of this machine; a Windows volume\n"
	"                    (Windows/System32/config) is read as Windows; with\n"
	"                    --target, DIR is a folder on that machine (a rescue VM\n"
	"                    over SSH with the broken disk mounted there)\n"
	"      --demo        work on a copy of a bundled, deliberately broken machine\n"
	"                    (a temporary folder, removed at exit); nothing here is\n"
	"                    touched; --demo windows: a broken Windows OS disk\n"
	"      --target [USER@]HOST[:PORT]  examine a Linux machine over SSH (files\n"
	"                    through SFTP, commands through exec channels); the host\n"
	"                    key must be in ~/.ssh/known_hosts; HOST may be an alias\n"
	"                    of ~/.ssh/config (HostName, User, Port, IdentityFile,\n"
	"                    ProxyJump)\n"
	"  -J, --jump [USER@]HOST[:PORT][,...]  --target: reach the machine through\n"
	"                    these jump hosts, in order (as ssh -J; over ProxyJump)\n"
	"  -F, --ssh-config FILE  --target: read this file instead of ~/.ssh/config\n"
	"                    (none: no file)\n"
	"  -i, --identity FILE  --target: log in with this private key (its\n"
	"                    passphrase is asked); else ssh-agent, ~/.ssh/id_*, then\n"
	"                    the password, asked on the terminal without echo (or\n"
	"                    the server's keyboard-interactive questions as it asks)\n"
	"      --password-fd N  --target: read the password from descriptor N (for\n"
	"                    scripts; never from the command line or environment);\n"
	"                    it answers keyboard-interactive's one password question\n"
	"      --accept-new-host-key  --target: trust a host key not yet known and\n"
	"                    add it to ~/.ssh/known_hosts\n"
	"      --sudo        --target: a login that is not root runs commands, writes\n"
	"                    and reads of root-only files through sudo on the machine\n"
	"                    (its password asked once, as the login's, or the same\n"
	"                    --password-fd password)\n"
	"      --server HOST the configuration or process server, for connectivity\n"
	"                    checks and sshd Match rules\n"
	"      --account NAME  the account the push install uses on Windows (NAME,\n"
	"                    HOST\\NAME or DOMAIN\\NAME): the account checks judge it\n"
	"                    (present, enabled, not locked out, an administrator)\n"
	"      --timeout SEC time allowed to each command or connection (default 5)\n"
	"      --dry-run     fix: print the plan and change nothing\n"
	"  -y, --yes         fix: apply without asking (scripts)\n"
	"      --force       undo: restore even files changed since the fix\n"
	"      --journal DIR where backups and the journal of fixes live (default\n"
	"                    /var/lib/asr-doctor/journal, inside the root with --root;\n"
	"                    ProgramData/asr-doctor/journal on a Windows volume)\n"
	"      --confirm-within SEC  an sshd change made over SSH is undone unless\n"
	"                    confirmed from a new login within SEC seconds (300)\n"
	"      --no-auto-check  do not run the checks when the wizard starts\n"
	"      --json        check, report, log, fleet: print JSON instead of text\n"
	"  -o, --output FILE report: write to FILE (atomically) instead of stdout\n"
	"      --replay FILE...  open a saved report (or check --json output)\n"
	"                    read-only in the wizard; several reports (a fleet's):\n"
	"                    a list of the hosts, Enter opens one\n"
	"      --state FILE  where the wizard keeps its resume state (default\n"
	"                    ~/.local/state/asr-doctor/state.json)\n"
	"  -v, --verbose     check: show all evidence\n"
	"      --hashes      tree: also print each section's text hash\n"
	"      --doc FILE    use this edition of the article (markdown) instead of\n"
	"                    the built-in one\n"
	"      --lang LANG   language: en or zh-CN (default: from the locale;\n"
	"                    English when the terminal cannot show Chinese)\n"
	"      --ascii       draw with ASCII only (no UTF-8 symbols)\n"
	"      --slow        draw for a slow line (no animation; on by itself below\n"
	"                    38400 baud)\n"
	"  -h, --help        show this help and exit\n"
	"  -V, --version     show the version and exit\n"
	"\n"
	"Exit status: 0 success (check: nothing failed), 1 not found or a check\n"
	"failed, 2 usage or runtime error; log: 0 no code found, 1 codes found,\n"
	"2 a log could not be read.\n"
	"\n"
	"Examples:\n"
	"  asr-doctor                        open the wizard\n"
	"  asr-doctor --demo                 try it on the demo sandbox\n"
	"  asr-doctor check --json           every check, as JSON\n"
	"  asr-doctor check 95108            the checks for ErrorID 95108\n"
	"  asr-doctor --root /mnt/os check   examine an attached OS disk\n"
	"  asr-doctor --target root@10.0.0.5 check   examine a machine over SSH\n"
	"  asr-doctor --target admin@rescue --sudo --root /mnt/os check\n"
	"                                    an OS disk attached to a rescue VM\n"
	"  asr-doctor explain 95320          the section for ErrorID 95320\n"
	"  asr-doctor log ASRUnifiedAgentInstaller.log   the codes of a log\n"
	"  asr-doctor report -o case.json --json   everything, for a support case\n"
	"  asr-doctor --demo fix 95108 --dry-run   what the sshd fix would change\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("asr-doctor: ", stderr);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'asr-doctor --help' for more information.\n");
	return 2;
}

static const struct command {
	const char *name;
	int (*run)(struct options *o);
} commands[] = {
	{ "check", cmd_check },
	{ "report", cmd_report },
	{ "fix", cmd_fix },
	{ "undo", cmd_undo },
	{ "history", cmd_history },
	{ "confirm", cmd_confirm },
	{ "explain", cmd_explain },
	{ "log", cmd_log },
	{ "tree", cmd_tree },
	{ "fleet", cmd_fleet },
	{ "probe", cmd_probe },
};

enum {
	OPT_DOC = 256,
	OPT_LANG,
	OPT_ASCII,
	OPT_ROOT,
	OPT_SERVER,
	OPT_ACCOUNT,
	OPT_DEMO,
	OPT_NO_AUTO,
	OPT_JSON,
	OPT_HASHES,
	OPT_TIMEOUT,
	OPT_SLOW,
	OPT_REPLAY,
	OPT_STATE,
	OPT_JOURNAL,
	OPT_DRY_RUN,
	OPT_FORCE,
	OPT_CONFIRM_WITHIN,
	OPT_TARGET,
	OPT_PASSWORD_FD,
	OPT_ACCEPT_NEW,
	OPT_SUDO,
};

/* "--demo windows" (or linux) as two words: joined into "--demo=windows"
 * in place, so the kind is not taken for a command. Returns the new
 * argc. */
static int demo_kind_word(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return argc;
		if (strcmp(argv[i], "--demo") != 0)
			continue;
		if (strcmp(argv[i + 1], "windows") == 0)
			argv[i] = (char *)"--demo=windows";
		else if (strcmp(argv[i + 1], "linux") == 0)
			argv[i] = (char *)"--demo=linux";
		else
			continue;
		/* Drop the kind's own word. */
		for (int k = i + 1; k + 1 < argc; k++)
			argv[k] = argv[k + 1];
		argv[argc - 1] = NULL;
		return argc - 1;
	}
	return argc;
}

int main(int argc, char **argv)
{
	/* The commit-confirmed guard re-runs this binary detached. */
	if (argc > 1 && strcmp(argv[1], GUARD_COMMAND) == 0)
		return undo_guard_main(argc - 1, argv + 1);
	struct options o = { 0 };
	if (!setlocale(LC_ALL, "")) {
		/* The locale named (zh_CN.UTF-8) is not installed: its
		 * encoding is still usable through C.UTF-8, so CJK can show. */
		const char *want = getenv("LC_ALL");
		if (!want || !*want)
			want = getenv("LC_CTYPE");
		if (!want || !*want)
			want = getenv("LANG");
		bool utf8 = want && (strcasestr(want, "utf-8") || strcasestr(want, "utf8"));
		if (!utf8 || !setlocale(LC_ALL, "C.UTF-8"))
			o.locale_missing = want;
	}
	o.lang = lang_from_env();

	static const struct option longopts[] = {
		{ "doc", required_argument, NULL, OPT_DOC },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "identity", required_argument, NULL, 'i' },
		{ "password-fd", required_argument, NULL, OPT_PASSWORD_FD },
		{ "accept-new-host-key", no_argument, NULL, OPT_ACCEPT_NEW },
		{ "sudo", no_argument, NULL, OPT_SUDO },
		{ "jump", required_argument, NULL, 'J' },
		{ "ssh-config", required_argument, NULL, 'F' },
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "account", required_argument, NULL, OPT_ACCOUNT },
		{ "demo", optional_argument, NULL, OPT_DEMO },
		{ "no-auto-check", no_argument, NULL, OPT_NO_AUTO },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "hashes", no_argument, NULL, OPT_HASHES },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "slow", no_argument, NULL, OPT_SLOW },
		{ "output", required_argument, NULL, 'o' },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "journal", required_argument, NULL, OPT_JOURNAL },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "yes", no_argument, NULL, 'y' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "confirm-within", required_argument, NULL, OPT_CONFIRM_WITHIN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* A negative number (an HRESULT such as -2147164145) is an operand,
	 * not a cluster of options: hidden from getopt, restored after. */
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9' &&
		    strspn(argv[i] + 1, "0123456789") == strlen(argv[i] + 1))
			argv[i][0] = '\x01';
	opterr = 0;
	int c;
	long num;
	int password_fd = -1;
	argc = demo_kind_word(argc, argv);
	while ((c = getopt_long(argc, argv, ":hVvyo:i:J:F:", longopts, NULL)) != -1) {
		if (optarg && optarg[0] == '\x01')
			optarg[0] = '-';
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("asr-doctor %s\n", ASR_VERSION);
			return 0;
		case 'v':
			o.verbose = true;
			break;
		case 'o':
			o.output = optarg;
			break;
		case OPT_REPLAY:
			o.replay = optarg;
			break;
		case OPT_STATE:
			o.state_path = optarg;
			break;
		case OPT_JOURNAL:
			o.journal = optarg;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case 'y':
			o.yes = true;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_CONFIRM_WITHIN:
			if (!str_to_long(optarg, &num) || num < 1 || num > 86400)
				return usage_error("--confirm-within takes seconds from 1 to 86400, not '%s'", optarg);
			o.confirm_within = (int)num;
			break;
		case OPT_DOC:
			o.doc_path = optarg;
			break;
		case OPT_LANG:
			if (!lang_parse(optarg, &o.lang))
				return usage_error("unknown language '%s' (use en or zh-CN)", optarg);
			o.lang_explicit = true;
			break;
		case OPT_ASCII:
			o.ascii = true;
			break;
		case OPT_SLOW:
			o.slow = true;
			break;
		case OPT_ROOT:
			o.root = optarg;
			break;
		case OPT_TARGET:
			/* required_argument: getopt_long sets optarg.
			 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			if (!*optarg)
				return usage_error("%s", "--target takes [user@]host[:port]");
			o.target = optarg;
			break;
		case 'i':
			o.identity = optarg;
			break;
		case 'J':
			/* required_argument: getopt_long sets optarg.
			 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			if (!*optarg)
				return usage_error("%s", "-J takes [user@]host[:port][,...]");
			o.jump = optarg;
			break;
		case 'F':
			/* required_argument: getopt_long sets optarg.
			 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			if (!*optarg)
				return usage_error("%s", "-F takes a file (or none)");
			o.ssh_config = optarg;
			break;
		case OPT_PASSWORD_FD:
			if (!str_to_long(optarg, &num) || num < 0 || num > 1024)
				return usage_error("--password-fd takes a file descriptor number, not '%s'", optarg);
			password_fd = (int)num;
			break;
		case OPT_SUDO:
			o.sudo = true;
			break;
		case OPT_ACCEPT_NEW:
			o.accept_new_host_key = true;
			break;
		case OPT_SERVER:
			o.server = optarg;
			break;
		case OPT_ACCOUNT:
			/* required_argument: getopt_long sets optarg (the analyzer
			 * knows only that --demo's may be null).
			 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			if (!*optarg || strpbrk(optarg, "\x01\x02\x03\x04\x05\x06\x07\b\t\n\v\f\r\"/[]:;|=,+*?<>"))
				return usage_error("--account takes an account name (NAME, HOST\\NAME, DOMAIN\\NAME or NAME@DOMAIN), not '%s'", optarg);
			o.account = optarg;
			break;
		case OPT_DEMO:
			o.demo = true;
			if (optarg && strcmp(optarg, "windows") == 0)
				o.demo_windows = true;
			else if (optarg && strcmp(optarg, "linux") != 0)
				return usage_error("unknown demo '%s' (use linux or windows)", optarg);
			break;
		case OPT_NO_AUTO:
			o.no_auto_check = true;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_HASHES:
			o.hashes = true;
			break;
		case OPT_TIMEOUT:
			if (!str_to_long(optarg, &num) || num < 1 || num > 600)
				return usage_error("--timeout takes seconds from 1 to 600, not '%s'", optarg);
			o.timeout_s = (int)num;
			break;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", (const char[]){ (char)optopt, 0 });
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '\x01')
			argv[i][0] = '-';
	if (o.demo && o.root)
		return usage_error("%s", "--demo and --root cannot be used together");
	if (o.target && o.demo)
		return usage_error("%s", "--target and --demo cannot be used together");
	if (o.target && o.root && o.root[0] != '/')
		return usage_error("--root %s: with --target, an absolute path on that machine",
				   o.root);
	bool probing = optind < argc && strcmp(argv[optind], "probe") == 0;
	if ((o.identity || password_fd >= 0 || o.accept_new_host_key || o.jump || o.ssh_config) &&
	    !o.target && !probing)
		return usage_error("%s", "-i, -J, -F, --password-fd and --accept-new-host-key go with "
					 "--target or probe");
	if (o.sudo && !o.target)
		return usage_error("%s", "--sudo goes with --target");
	if (password_fd >= 0 && cli_password_from_fd(password_fd) < 0)
		return 2;
	msg_set_lang(o.lang);
	int rc;
	/* Hidden: a shell completion script made from these tables. */
	if (optind < argc && strcmp(argv[optind], "completion") == 0) {
		const char *names[ARRAY_LEN(commands) + 1];
		for (size_t i = 0; i < ARRAY_LEN(commands); i++)
			names[i] = commands[i].name;
		names[ARRAY_LEN(commands)] = NULL;
		o.argc = argc - optind - 1;
		o.argv = argv + optind + 1;
		return cmd_completion(&o, longopts, names);
	}
	const struct command *cmd = NULL;
	for (size_t i = 0; optind < argc && i < ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, argv[optind]) == 0)
			cmd = &commands[i];
	if (optind >= argc || (o.replay && !cmd)) {
		/* --replay FILE FILE...: the wizard over several reports. */
		o.argc = argc - optind;
		o.argv = argv + optind;
		rc = cmd_wizard(&o);
	} else {
		const char *name = argv[optind];
		if (!cmd)
			return usage_error("unknown command '%s'", name);
		o.argc = argc - optind - 1;
		o.argv = argv + optind + 1;
		rc = cmd->run(&o);
	}
	/* The sandbox was a copy for this run only. */
	if (o.demo_dir && content_remove_tree(o.demo_dir) < 0)
		fprintf(stderr, "asr-doctor: could not remove the demo sandbox %s\n", o.demo_dir);
	free(o.demo_dir);
	cli_secrets_wipe();
	return rc;
}
