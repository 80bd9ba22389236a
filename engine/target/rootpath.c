/* rootpath.c: the one walk that resolves a path inside a hostile root
 * (rootpath.h), for every target whose paths live under a folder. It
 * keeps the part resolved so far and the part still to walk; a link's
 * contents are put in front of what is left, and the resolved part starts
 * again empty (an absolute link) or from the link's folder (a relative
 * one), so ".." and absolute links are always taken against the root. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/target/rootpath.h"
#include "engine/util/util.h"

/* Appends the component comp to cur ("/a/b"), spelled as io->spell says
 * when the root has names that match without regard to case. */
static void add_component(const struct rootpath_io *io, struct sbuf *cur, const char *comp)
{
	sb_addc(cur, '/');
	char *spelled = io->spell ? io->spell(io->arg, sb_str(cur), comp) : NULL;
	sb_add(cur, spelled ? spelled : comp);
	free(spelled);
}

int rootpath_resolve(const struct rootpath_io *io, const char *path, bool follow_last, char **out)
{
	*out = NULL;
	if (!path || path[0] != '/')
		return -EINVAL;
	struct sbuf cur = { 0 };    /* resolved part, relative to the root: "/a/b" */
	char *todo = xstrdup(path); /* what is left to walk */
	size_t pos = 0;
	int links = 0;
	int rc = 0;
	for (;;) {
		while (todo[pos] == '/')
			pos++;
		if (!todo[pos])
			break;
		size_t end = pos;
		while (todo[end] && todo[end] != '/')
			end++;
		char *comp = xstrndup(todo + pos, end - pos);
		/* Trailing slashes do not make a component more than the last. */
		bool last = todo[end + strspn(todo + end, "/")] == '\0';
		pos = end;
		if (strcmp(comp, ".") == 0) {
			free(comp);
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			/* Never above the root: ".." of the root is the root. */
			char *s = cur.s ? strrchr(cur.s, '/') : NULL;
			if (s) {
				cur.len = (size_t)(s - cur.s);
				*s = '\0';
			}
			free(comp);
			continue;
		}
		size_t saved = cur.len;
		add_component(io, &cur, comp);
		free(comp);
		if (last && !follow_last)
			continue;
		mode_t mode = 0;
		rc = io->lstat(io->arg, sb_str(&cur), &mode);
		/* Nothing there (or a file on the way): no link to follow, and
		 * the operation on the path says so. Any other failure leaves
		 * it unknown whether this is a link that the operation would
		 * then follow outside the root: the walk ends. */
		if (rc == -ENOENT || rc == -ENOTDIR) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		if (!S_ISLNK(mode))
			continue;
		char *to = NULL;
		rc = ++links > ROOTPATH_MAX_LINKS ? -ELOOP : io->readlink(io->arg, sb_str(&cur), &to);
		if (rc < 0)
			break;
		char *rest = xasprintf("%s/%s", to, todo + pos);
		free(todo);
		todo = rest;
		pos = 0;
		/* An absolute link starts again at the root, a relative one
		 * from the link's folder. */
		cur.len = to[0] == '/' ? 0 : saved;
		if (cur.s)
			cur.s[cur.len] = '\0';
		free(to);
	}
	if (rc == 0)
		*out = cur.len ? sb_steal(&cur) : xstrdup("/");
	free(todo);
	sb_free(&cur);
	return rc;
}
