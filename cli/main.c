/* main.c: option parsing and command dispatch for asr-doctor. */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"

static const char usage_text[] =
	"Usage: asr-doctor [OPTION]... [COMMAND [ARG]...]\n"
	"Troubleshoot Azure Site Recovery Mobility Service push installation.\n"
	"\n"
	"Without a command, opens the troubleshooting wizard.\n"
	"\n"
	"Commands:\n"
	"  explain ID        print the section for an ErrorID (e.g. 95320) or anchor\n"
	"  tree              print the troubleshooting tree with anchors and ErrorIDs\n"
	"\n"
	"Options:\n"
	"      --doc FILE    use this edition of the article (markdown) instead of\n"
	"                    the built-in one\n"
	"      --lang LANG   language: en or zh-CN (default: from the locale;\n"
	"                    English when the terminal cannot show Chinese)\n"
	"      --ascii       draw with ASCII only (no UTF-8 symbols)\n"
	"      --keys FILE   read wizard keys from FILE before the keyboard\n"
	"  -h, --help        show this help and exit\n"
	"  -V, --version     show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 not found or a check failed, 2 usage or\n"
	"runtime error.\n"
	"\n"
	"Examples:\n"
	"  asr-doctor                   open the wizard\n"
	"  asr-doctor explain 95108     the section for ErrorID 95108\n"
	"  asr-doctor --lang zh-CN tree the tree of the Chinese article\n";

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("asr-doctor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("asr-doctor: ", stderr);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'asr-doctor --help' for more information.\n");
	return 2;
}

int cli_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	long v;
	if (c && str_to_long(c, &v) && v >= 20 && v <= 1000)
		return (int)v;
	return 80;
}

struct doc *cli_load_doc(const struct options *o)
{
	char *cause = NULL;
	struct doc *d = o->doc_path ? doc_load_file(o->doc_path, &cause)
				    : doc_load_builtin(lang_code(o->lang), &cause);
	if (!d) {
		cli_error("%s", cause);
		free(cause);
	}
	return d;
}

static const struct command {
	const char *name;
	int (*run)(struct options *o);
} commands[] = {
	{ "explain", cmd_explain },
	{ "tree", cmd_tree },
};

enum {
	OPT_DOC = 256,
	OPT_LANG,
	OPT_ASCII,
	OPT_KEYS,
};

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	struct options o = { 0 };
	o.lang = lang_from_env();

	static const struct option longopts[] = {
		{ "doc", required_argument, NULL, OPT_DOC },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "keys", required_argument, NULL, OPT_KEYS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("asr-doctor %s\n", ASR_VERSION);
			return 0;
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
		case OPT_KEYS:
			o.keys = optarg;
			break;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", (const char[]){ (char)optopt, 0 });
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	msg_set_lang(o.lang);
	if (optind >= argc)
		return cmd_wizard(&o);
	const char *name = argv[optind];
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0) {
			o.argc = argc - optind - 1;
			o.argv = argv + optind + 1;
			return commands[i].run(&o);
		}
	return usage_error("unknown command '%s'", name);
}
