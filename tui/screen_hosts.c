/* screen_hosts.c: the hosts of a fleet (--replay of several reports), in
 * the order given; Enter opens the selected host's read-only replay (the
 * wizard returns its index and is started again on that report). */
#include <stdlib.h>

#include "engine/fleet.h"
#include "tui/app.h"

static void hosts_draw(struct app *a)
{
	const struct fleet *f = a->cfg->hosts;
	int rows = a->rows - 4;
	size_t fail = 0;
	for (size_t h = 0; h < f->nhosts; h++)
		fail += fleet_host_fails(&f->hosts[h]);
	char *head = xasprintf(app_tr("%zu hosts, %zu will fail a push install. Enter opens a host's report (read-only).",
				      "%zu 台主机，%zu 台推送安装将失败。按 Enter 打开主机的报告（只读）。"),
			       f->nhosts, fail);
	draw_text(a, 1, 0, head, a->cols - 1, A_BOLD);
	free(head);
	if (a->fsel >= f->nhosts)
		a->fsel = f->nhosts ? f->nhosts - 1 : 0;
	if (a->fsel < a->ftop)
		a->ftop = a->fsel;
	if (rows > 0 && a->fsel >= a->ftop + (size_t)rows)
		a->ftop = a->fsel - (size_t)rows + 1;
	for (int r = 0; r < rows; r++) {
		size_t i = a->ftop + (size_t)r;
		if (i >= f->nhosts)
			break;
		const struct fleet_host *h = &f->hosts[i];
		int y = 3 + r;
		if (i == a->fsel)
			draw_text(a, y, 0, ">", 1, A_BOLD);
		draw_text(a, y, 2, status_symbol(h->worst, a->utf8), 2, draw_status_attr(a, h->worst));
		char *line = h->problem ? xasprintf("%-16s %s: %s", h->name, app_tr("not readable", "无法读取"), h->problem)
					: xasprintf(app_tr("%-16s %zu fail, %zu error, %zu warn  %s",
							   "%-16s %zu 失败，%zu 错误，%zu 警告  %s"),
						    h->name, h->count[STATUS_FAIL], h->count[STATUS_ERROR],
						    h->count[STATUS_WARN], h->target ? h->target : "");
		draw_text(a, y, 5, line, a->cols - 6, i == a->fsel ? A_BOLD : A_NORMAL);
		free(line);
	}
}

static int hosts_key(struct app *a, enum action act, wint_t ch)
{
	const struct fleet *f = a->cfg->hosts;
	int page = a->rows > 8 ? a->rows - 6 : 1;
	switch (act) {
	case ACT_DOWN:
		if (a->fsel + 1 < f->nhosts)
			a->fsel++;
		return H_HANDLED;
	case ACT_UP:
		if (a->fsel > 0)
			a->fsel--;
		return H_HANDLED;
	case ACT_PGDN:
		a->fsel = a->fsel + (size_t)page < f->nhosts ? a->fsel + (size_t)page : f->nhosts - 1;
		return H_HANDLED;
	case ACT_PGUP:
		a->fsel = a->fsel > (size_t)page ? a->fsel - (size_t)page : 0;
		return H_HANDLED;
	case ACT_HOME:
		a->fsel = 0;
		return H_HANDLED;
	case ACT_END:
		a->fsel = f->nhosts - 1;
		return H_HANDLED;
	case ACT_OPEN:
		if (a->cfg->picked && f->hosts[a->fsel].problem == NULL) {
			*a->cfg->picked = (int)a->fsel;
			return H_QUIT;
		}
		app_message(a, true, "%s", app_tr("this report cannot be read", "无法读取此报告"));
		return H_HANDLED;
	case ACT_HELP:
	case ACT_REDRAW:
	case ACT_MEASURE:
	case ACT_CLOSE:
	case ACT_QUIT:
		return H_NONE;
	default:
		return H_HANDLED;
	}
}

static void hosts_status(struct app *a, struct sbuf *out)
{
	sb_printf(out, "%s %zu/%zu", app_tr("host", "主机"), a->fsel + 1, a->cfg->hosts->nhosts);
}

const struct screen_ops screen_hosts = {
	.name = "hosts",
	.draw = hosts_draw,
	.key = hosts_key,
	.status = hosts_status,
	.hints_en = "Enter open  j/k move  q quit",
	.hints_zh = "Enter 打开  j/k 移动  q 退出",
};
