/* winsvc.c: the verdicts on a Windows service that the live and the
 * offline Windows checks share (see winsvc.h). */
#include "engine/winsvc.h"

const char *winsvc_start_name(int start)
{
	switch (start) {
	case 0: return "0 (boot)";
	case 1: return "1 (system)";
	case 2: return "2 (automatic)";
	case 3: return "3 (manual)";
	case 4: return "4 (disabled)";
	default: return "?";
	}
}

bool winsvc_usable(struct check_result *r, const struct winsvc *s, const char *what)
{
	if (!s->installed) {
		result_set(r, STATUS_FAIL, T("%s (%s) is not installed", "%s（%s）未安装"), what,
			   s->name);
		return false;
	}
	if (s->start == 4) {
		result_set(r, STATUS_FAIL,
			   T("%s (%s) is disabled: sc config %s start= demand",
			     "%s（%s）已禁用：sc config %s start= demand"),
			   what, s->name, s->name);
		return false;
	}
	if (s->state != WINSVC_UNKNOWN)
		result_note(r, T("%s (%s): %s, start type %s", "%s（%s）：%s，启动类型 %s"), what,
			    s->name, winsvc_state_name(s->state), winsvc_start_name(s->start));
	return true;
}
