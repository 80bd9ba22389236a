/* cmd_fleet.c: `asr-doctor fleet REPORT...`: the reports a fleet tool
 * collected from many hosts, summarized: which hosts will fail a push
 * install and why, hosts by ErrorID, each failing check with one line of
 * evidence (text or --json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/fleet.h"
#include "engine/util/text.h"

/* Prints s cut to the output width after indent columns. */
static void put_cut(const char *s, size_t indent, int width)
{
	size_t room = width > (int)indent + 10 ? (size_t)width - indent : 10;
	char *t = text_truncate(s, room, "~");
	printf("%*s%s\n", (int)indent, "", t);
	free(t);
}

/* "  NAME  N failing checks: a, b" for the hosts whose worst status is st
 * (st FAIL: those that fail; ERROR: could not be checked; WARN). */
static void host_lines(const struct fleet *f, enum status st, const char *head, int width)
{
	bool any = false;
	for (size_t h = 0; h < f->nhosts; h++) {
		const struct fleet_host *fh = &f->hosts[h];
		bool in = st == STATUS_FAIL ? fleet_host_fails(fh) : !fleet_host_fails(fh) && fh->worst == st;
		if (!in)
			continue;
		if (!any)
			printf("%s\n", head);
		any = true;
		struct sbuf b = { 0 };
		sb_printf(&b, "%s  ", fh->name);
		if (fh->problem) {
			sb_printf(&b, "%s: %s", T("report not readable", "报告无法读取"), fh->problem);
		} else {
			enum status want = st;
			size_t n = fh->count[want];
			if (st == STATUS_FAIL)
				sb_printf(&b, T("%zu failing: ", "%zu 项失败："), n);
			else if (st == STATUS_ERROR)
				sb_printf(&b, T("%zu could not run: ", "%zu 项无法运行："), n);
			else
				sb_printf(&b, T("%zu warnings: ", "%zu 项警告："), n);
			size_t shown = 0;
			for (size_t k = 0; k < fh->nchecks; k++)
				if (fh->checks[k].status == want)
					sb_printf(&b, "%s%s", shown++ ? ", " : "", fh->checks[k].check_id);
		}
		put_cut(sb_str(&b), 2, width);
		sb_free(&b);
	}
}

static void print_text(const struct fleet *f, int width)
{
	size_t fail = 0, error = 0, warn = 0;
	for (size_t h = 0; h < f->nhosts; h++) {
		fail += fleet_host_fails(&f->hosts[h]);
		error += !fleet_host_fails(&f->hosts[h]) && f->hosts[h].worst == STATUS_ERROR;
		warn += f->hosts[h].worst == STATUS_WARN;
	}
	printf(T("Fleet: %zu hosts: %zu will fail a push install, %zu could not be checked, %zu may fail, %zu pass\n",
		 "机群：%zu 台主机：%zu 台推送安装将失败，%zu 台无法检查，%zu 台可能失败，%zu 台通过\n"),
	       f->nhosts, fail, error, warn, f->nhosts - fail - error - warn);
	if (fail + error + warn)
		putchar('\n');
	host_lines(f, STATUS_FAIL, T("Will fail a push install:", "推送安装将失败："), width);
	host_lines(f, STATUS_ERROR, T("Could not be checked:", "无法检查："), width);
	host_lines(f, STATUS_WARN, T("May fail (warnings only):", "可能失败（仅有警告）："), width);

	struct fleet_group *g;
	size_t ng = fleet_groups(f, &g);
	if (ng)
		printf("\n%s\n", T("Hosts by ErrorID:", "按 ErrorID 列出主机："));
	for (size_t i = 0; i < ng; i++) {
		struct sbuf b = { 0 };
		if (g[i].id)
			sb_printf(&b, "%-6u ", g[i].id);
		else
			sb_printf(&b, "%s ", g[i].anchor);
		/* A group's hosts are indices into f->hosts (fleet_groups), so
		 * f->hosts is not null here; the analyzer cannot see into
		 * engine/fleet.c. */
		for (size_t k = 0; k < g[i].nhosts; k++)
			/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			sb_printf(&b, "%s%s", k ? ", " : "", f->hosts[g[i].hosts[k]].name);
		sb_add(&b, "  (");
		for (size_t k = 0; k < g[i].checks.n; k++)
			sb_printf(&b, "%s%s", k ? ", " : "", g[i].checks.v[k]);
		sb_add(&b, ")");
		put_cut(sb_str(&b), 2, width);
		sb_free(&b);
	}
	fleet_groups_free(g, ng);

	bool head = false;
	for (size_t h = 0; h < f->nhosts; h++) {
		const struct fleet_host *fh = &f->hosts[h];
		if (!fh->count[STATUS_FAIL] && !fh->count[STATUS_ERROR])
			continue;
		if (!head)
			printf("\n%s\n", T("Failing checks:", "失败的检查："));
		head = true;
		struct sbuf b = { 0 };
		sb_add(&b, fh->name);
		if (fh->hostname || fh->target)
			sb_printf(&b, " (%s%s%s)", fh->hostname ? fh->hostname : "",
				  fh->hostname && fh->target ? ", " : "", fh->target ? fh->target : "");
		put_cut(sb_str(&b), 0, width);
		sb_free(&b);
		for (size_t k = 0; k < fh->nchecks; k++) {
			const struct fleet_check *c = &fh->checks[k];
			if (c->status == STATUS_WARN)
				continue;
			char *line = xasprintf("%s %s: %s", c->status == STATUS_FAIL ? "FAIL " : "ERROR",
					       c->check_id, c->finding);
			put_cut(line, 2, width);
			free(line);
			if (c->evidence)
				put_cut(c->evidence, 8, width);
		}
	}
}

int cmd_fleet(struct options *o)
{
	if (o->argc == 0) {
		cli_error("fleet needs the reports to summarize (asr-doctor fleet reports/*.json)");
		return 2;
	}
	struct doc *d;
	struct session *s = cli_doc_session(o, &d);
	if (!s)
		return 2;
	struct fleet f = { 0 };
	for (int i = 0; i < o->argc; i++)
		fleet_add_file(&f, s, o->argv[i]);
	if (o->json) {
		char *json = fleet_json(&f);
		puts(json);
		free(json);
	} else {
		/* Cut to the terminal only: a file keeps every line whole. */
		print_text(&f, isatty(STDOUT_FILENO) ? cli_width() : 1 << 20);
	}
	int rc = 0;
	for (size_t h = 0; h < f.nhosts; h++)
		if (f.hosts[h].worst >= STATUS_ERROR)
			rc = 1;
	fleet_free(&f);
	session_free(s);
	doc_free(d);
	return rc;
}
