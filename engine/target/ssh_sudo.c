/* ssh_sudo.c: the lines a login that is not root sends through sudo (see
 * ssh_sudo.h). */
#include "engine/target/ssh_sudo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/shquote.h"
#include "engine/util/util.h"

/* The file must be a regular one (through links) and at most $2 bytes. */
const char sudo_read_script[] =
	"f=$1; [ -d \"$f\" ] && exit 21; [ -e \"$f\" ] || exit 2; [ -f \"$f\" ] || exit 19; "
	"n=$(stat -L -c %s -- \"$f\") || exit 5; [ \"$n\" -le \"$2\" ] || exit 27; "
	"exec cat -- \"$f\"";

const char sudo_range_script[] =
	"f=$1; [ -d \"$f\" ] && exit 21; [ -e \"$f\" ] || exit 2; [ -f \"$f\" ] || exit 19; "
	"exec dd if=\"$f\" iflag=skip_bytes,count_bytes skip=\"$2\" count=\"$3\" bs=65536 "
	"status=none";

const char sudo_list_script[] =
	"[ -e \"$1\" ] || exit 2; [ -d \"$1\" ] || exit 20; cd -- \"$1\" || exit 5; "
	"exec find . -mindepth 1 -maxdepth 1 -printf '%f\\0'";

const char sudo_stat_script[] =
	"[ -e \"$1\" ] || { [ \"$2\" = P ] && [ -L \"$1\" ]; } || exit 2; "
	"if [ \"$2\" = L ]; then exec stat -L -c '%f %u %g %s %Y %d %i' -- \"$1\"; fi; "
	"exec stat -c '%f %u %g %s %Y %d %i' -- \"$1\"";

/* dd's conv=excl opens with O_CREAT|O_EXCL, which neither follows a link
 * nor takes an existing name; conv=fsync syncs the bytes. Owner before
 * mode: chown may clear set-id bits. On a failure after the file is
 * made, it is removed. */
const char sudo_write_script[] =
	"umask 077; t=$1; { [ -e \"$t\" ] || [ -L \"$t\" ]; } && exit 17; "
	"if ! e=$(dd of=\"$t\" conv=excl,fsync status=none 2>&1); then "
	"[ -f \"$t\" ] && ! [ -L \"$t\" ] && rm -f -- \"$t\"; "
	"case $e in *'No space'*) exit 28;; *'File exists'*) exit 17;; esac; echo \"$e\" >&2; exit 5; fi; "
	"if ! { chown -- \"$2\" \"$t\" && chmod -- \"$3\" \"$t\" && sync -- \"$t\"; }; then "
	"rm -f -- \"$t\"; exit 5; fi";

const char sudo_rename_script[] = "exec mv -f -T -- \"$1\" \"$2\"";

const char sudo_remove_script[] =
	"{ [ -e \"$1\" ] || [ -L \"$1\" ]; } || exit 2; [ -d \"$1\" ] && ! [ -L \"$1\" ] && exit 21; "
	"exec rm -f -- \"$1\"";

/* Each component from "/" down: a link or a non-folder is refused (its
 * path printed), a missing one made with create ($2 "y"), the last made
 * 0700 and the others 0755. */
const char sudo_store_open_script[] =
	"c=$2; p=; made=; IFS=/; set -f; for n in $1; do [ -z \"$n\" ] && continue; p=\"$p/$n\"; "
	"[ -L \"$p\" ] && { echo \"$p\"; exit 40; }; "
	"if [ ! -e \"$p\" ]; then [ \"$c\" = y ] || { echo \"$p\"; exit 2; }; "
	"mkdir -m 0755 -- \"$p\" || exit 5; made=$p; fi; "
	"[ -d \"$p\" ] || { echo \"$p\"; exit 40; }; done; "
	"if [ -n \"$made\" ] && [ \"$made\" = \"$p\" ]; then chmod 0700 -- \"$p\" || exit 5; fi";

const char sudo_mkdir_script[] =
	"{ [ -e \"$1\" ] || [ -L \"$1\" ]; } && exit 17; mkdir -m 0700 -- \"$1\" || exit 5";

const char sudo_sync_script[] = "[ -d \"$1\" ] || exit 2; exec sync -- \"$1\"";

/* "LC_ALL=C sudo -k ... -- " before the words. */
static char *with_sudo(const char *words, bool password)
{
	if (password)
		return xasprintf("LC_ALL=C sudo -k -S -p '%s' -- %s", SUDO_PROMPT, words);
	return xasprintf("LC_ALL=C sudo -k -n -- %s", words);
}

char *sudo_line(const char *const argv[], bool password)
{
	if (!argv || !argv[0])
		return NULL;
	size_t n = 0;
	while (argv[n])
		n++;
	const char **v = xcalloc(n + 3, sizeof *v);
	v[0] = "env";
	v[1] = "LC_ALL=C";
	for (size_t i = 0; i < n; i++)
		v[i + 2] = argv[i];
	char *words = argv_shell_join(v);
	free(v);
	char *line = with_sudo(words, password);
	free(words);
	return line;
}

char *sudo_script_line(const char *script, const char *const args[], bool password)
{
	size_t n = 0;
	while (args && args[n])
		n++;
	/* Six words, the arguments and the NULL that ends them. */
	const char **v = xcalloc(n + 7, sizeof *v);
	size_t k = 0;
	v[k++] = "env";
	v[k++] = "LC_ALL=C";
	v[k++] = "sh";
	v[k++] = "-c";
	v[k++] = script;
	v[k++] = "sh";
	for (size_t i = 0; i < n; i++)
		v[k++] = args[i];
	char *words = argv_shell_join(v);
	free(v);
	char *line = with_sudo(words, password);
	free(words);
	return line;
}

int sudo_strip_prompts(char *err)
{
	if (!err)
		return 0;
	int n = 0;
	size_t plen = strlen(SUDO_PROMPT);
	char *w = err;
	for (const char *r = err; *r;) {
		if (strncmp(r, SUDO_PROMPT, plen) == 0) {
			n++;
			r += plen;
			/* sudo ends the prompt's line once it has read the
			 * password (or given up). */
			if (*r == '\n')
				r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return n;
}

int sudo_status_errno(int status)
{
	switch (status) {
	case 0:
		return 0;
	case 1:
		return -EACCES;
	case 2:
		return -ENOENT;
	case 17:
		return -EEXIST;
	case 19:
		return -TARGET_ENOTREG;
	case 20:
		return -ENOTDIR;
	case 21:
		return -EISDIR;
	case 27:
		return -EFBIG;
	case 28:
		return -ENOSPC;
	case 40:
		return -ELOOP;
	default:
		return -EIO;
	}
}

int sudo_stat_parse(const char *line, struct target_stat *st)
{
	unsigned long mode = 0, uid = 0, gid = 0;
	long long size = 0, mtime = 0;
	unsigned long long dev = 0, ino = 0;
	char end = 0;
	if (!line || sscanf(line, "%lx %lu %lu %lld %lld %llu %llu%c", &mode, &uid, &gid, &size,
			    &mtime, &dev, &ino, &end) < 7 ||
	    (end && end != '\n') || size < 0)
		return -EPROTO;
	*st = (struct target_stat){ .mode = (mode_t)mode, .uid = (uid_t)uid, .gid = (gid_t)gid,
				    .size = (off_t)size, .mtime = mtime, .dev = (dev_t)dev,
				    .ino = (ino_t)ino };
	return 0;
}
