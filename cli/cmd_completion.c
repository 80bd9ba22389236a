/* cmd_completion.c: `asr-doctor completion bash|zsh` (not in --help): prints
 * a shell completion script made from the tables the program itself uses:
 * the option parser's long options, the command table, the check and fix
 * registries and the article's ErrorIDs and anchors, so completion cannot
 * drift from what the program accepts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/fix.h"

/* What an option's argument is, for the shell to offer. ARG_ROOT_DIR: a
 * folder of this machine, or with --target one on that machine, which
 * this machine's folders would only misname: nothing is offered then. */
enum arg_kind { ARG_NONE, ARG_DIR, ARG_FILE, ARG_JSON, ARG_LANG, ARG_HOST, ARG_ROOT_DIR };

static const struct {
	const char *option;
	enum arg_kind kind;
} arg_kinds[] = {
	{ "root", ARG_ROOT_DIR }, { "journal", ARG_DIR },  { "doc", ARG_FILE },  { "state", ARG_FILE },
	{ "output", ARG_FILE },  { "replay", ARG_JSON },  { "lang", ARG_LANG }, { "server", ARG_HOST },
	{ "target", ARG_HOST },  { "identity", ARG_FILE }, { "jump", ARG_HOST },
	{ "ssh-config", ARG_FILE },
};

static enum arg_kind kind_of(const char *option)
{
	for (size_t i = 0; i < ARRAY_LEN(arg_kinds); i++)
		if (strcmp(arg_kinds[i].option, option) == 0)
			return arg_kinds[i].kind;
	return ARG_NONE;
}

/* The spellings of option o: "--name" and, when it has one, "-c". */
static void spellings(const struct option *o, struct sbuf *out)
{
	sb_printf(out, "--%s", o->name);
	if (o->val > ' ' && o->val < 127)
		sb_printf(out, "|-%c", o->val);
}

/* Every ErrorID of the article once, ascending. */
static int id_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

static void doc_words(const struct doc *d, struct sbuf *ids, struct sbuf *anchors)
{
	unsigned *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 1; i < d->nnodes; i++) {
		/* A word list in single quotes: an anchor that could break it
		 * (from a --doc edition) is left out. */
		if (!strpbrk(d->nodes[i]->anchor, "' \t\n\\"))
			sb_printf(anchors, "%s%s", anchors->len ? " " : "", d->nodes[i]->anchor);
		for (size_t j = 0; j < d->nodes[i]->nids; j++) {
			v = xgrow(v, &cap, n + 1, sizeof *v);
			v[n++] = d->nodes[i]->ids[j];
		}
	}
	if (n)
		qsort(v, n, sizeof *v, id_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			sb_printf(ids, "%s%u", ids->len ? " " : "", v[i]);
	free(v);
}

static void print_bash(const struct doc *d, const struct option *opts, const char *const *cmds)
{
	struct sbuf options = { 0 }, commands = { 0 }, checks = { 0 }, fixes = { 0 }, ids = { 0 },
		    anchors = { 0 }, takes_arg = { 0 };
	for (const struct option *o = opts; o->name; o++) {
		sb_printf(&options, "%s--%s", options.len ? " " : "", o->name);
		if (o->val > ' ' && o->val < 127)
			sb_printf(&options, " -%c", o->val);
		if (o->has_arg == required_argument) {
			if (takes_arg.len)
				sb_add(&takes_arg, "|");
			spellings(o, &takes_arg);
		}
	}
	for (size_t i = 0; cmds[i]; i++)
		sb_printf(&commands, "%s%s", i ? " " : "", cmds[i]);
	for (size_t i = 0; check_registry[i]; i++)
		sb_printf(&checks, "%s%s", i ? " " : "", check_registry[i]->id);
	for (size_t i = 0; fix_registry[i]; i++)
		sb_printf(&fixes, "%s%s", i ? " " : "", fix_registry[i]->id);
	doc_words(d, &ids, &anchors);

	printf("# bash completion for asr-doctor %s, made by `asr-doctor completion bash`\n"
	       "# from its own option, command, check and fix tables and the article.\n"
	       "_asr_doctor()\n{\n"
	       "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	       "\tlocal options='%s'\n"
	       "\tlocal commands='%s'\n"
	       "\tlocal checks='%s'\n"
	       "\tlocal fixes='%s'\n"
	       "\tlocal ids='%s'\n"
	       "\tlocal anchors='%s'\n"
	       "\tCOMPREPLY=()\n"
	       "\tcase $prev in\n",
	       ASR_VERSION, sb_str(&options), sb_str(&commands), sb_str(&checks), sb_str(&fixes),
	       sb_str(&ids), sb_str(&anchors));
	for (const struct option *o = opts; o->name; o++) {
		if (o->has_arg != required_argument)
			continue;
		struct sbuf sp = { 0 };
		spellings(o, &sp);
		printf("\t%s)\n\t\t", sb_str(&sp));
		sb_free(&sp);
		switch (kind_of(o->name)) {
		case ARG_ROOT_DIR:
			/* --target anywhere on the line (before or after,
			 * --target=HOST too): DIR is on that machine. */
			puts("local w; for w in \"${COMP_WORDS[@]}\"; do "
			     "[[ $w == --target || $w == --target=* ]] && return; done");
			printf("\t\t");
			/* FALLTHROUGH */
		case ARG_DIR:
			puts("compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\"))");
			break;
		case ARG_FILE:
			puts("compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))");
			break;
		case ARG_JSON:
			puts("compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -X '!*.json' -- \"$cur\") "
			     "$(compgen -d -- \"$cur\"))");
			break;
		case ARG_LANG:
			puts("COMPREPLY=($(compgen -W 'en zh-CN' -- \"$cur\"))");
			break;
		case ARG_HOST:
			puts("COMPREPLY=($(compgen -A hostname -- \"$cur\"))");
			break;
		case ARG_NONE:
			puts(":");
			break;
		}
		puts("\t\treturn ;;");
	}
	printf("\tesac\n"
	       "\tif [[ $cur == -* ]]; then\n"
	       "\t\tCOMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
	       "\t\treturn\n"
	       "\tfi\n"
	       "\tlocal i cmd= replay=\n"
	       "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	       "\t\tcase ${COMP_WORDS[i]} in\n"
	       "\t\t--replay) replay=1; ((i++)) ;;\n"
	       "\t\t%s) ((i++)) ;;\n"
	       "\t\t-*) ;;\n"
	       "\t\t*) cmd=${COMP_WORDS[i]}; break ;;\n"
	       "\t\tesac\n"
	       "\tdone\n"
	       "\tif [[ -n $replay && ( -z $cmd || $cmd == *.json ) ]]; then\n"
	       "\t\tcmd=--replay\n"
	       "\tfi\n"
	       "\tcase $cmd in\n"
	       "\t'') COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")) ;;\n"
	       "\tcheck) COMPREPLY=($(compgen -W \"$checks $ids $anchors\" -- \"$cur\")) ;;\n"
	       "\tfix) COMPREPLY=($(compgen -W \"$fixes $ids $anchors\" -- \"$cur\")) ;;\n"
	       "\texplain) COMPREPLY=($(compgen -W \"$ids $anchors\" -- \"$cur\")) ;;\n"
	       "\tfleet|--replay) compopt -o filenames 2>/dev/null; "
	       "COMPREPLY=($(compgen -f -X '!*.json' -- \"$cur\") $(compgen -d -- \"$cur\")) ;;\n"
	       "\tesac\n"
	       "}\n"
	       "complete -F _asr_doctor asr-doctor\n",
	       sb_str(&takes_arg));
	sb_free(&options);
	sb_free(&commands);
	sb_free(&checks);
	sb_free(&fixes);
	sb_free(&ids);
	sb_free(&anchors);
	sb_free(&takes_arg);
}

int cmd_completion(struct options *o, const struct option *opts, const char *const *cmds)
{
	if (o->argc != 1 || (strcmp(o->argv[0], "bash") != 0 && strcmp(o->argv[0], "zsh") != 0)) {
		cli_error("completion takes one shell: bash or zsh");
		return 2;
	}
	struct doc *d = cli_load_doc(o);
	if (!d)
		return 2;
	/* zsh runs the bash function through its bash completion layer. */
	if (strcmp(o->argv[0], "zsh") == 0)
		printf("#compdef asr-doctor\n"
		       "# zsh completion for asr-doctor: the bash one through bashcompinit.\n"
		       "autoload -U +X bashcompinit && bashcompinit\n");
	print_bash(d, opts, cmds);
	doc_free(d);
	return fflush(stdout) == 0 ? 0 : 2;
}
