/* check_net.c: 95117/97118 on the source machine: the configuration and
 * process server can be reached (net.server), the SSH and SSL packages are
 * installed (packages.ssh), and /etc/hosts maps the host name to the
 * machine's own addresses (net.hosts). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/check_misc.h"
#include "engine/osrelease.h"
#include "engine/sysparse.h"

/* ---- net.server -------------------------------------------------------- */

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connects to one address without blocking longer than timeout_ms.
 * Returns 0 when the connection was accepted, else -errno (-ETIMEDOUT,
 * -ECONNREFUSED, -ECANCELED...). */
static int tcp_try(const struct sockaddr *sa, socklen_t len, int timeout_ms,
		   const volatile int *cancel)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) == 0) {
		close(fd);
		return 0;
	}
	if (errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		return -e;
	}
	long long end = now_ms() + timeout_ms;
	for (;;) {
		if (cancel && *cancel) {
			close(fd);
			return -ECANCELED;
		}
		long long left = end - now_ms();
		if (left <= 0) {
			close(fd);
			return -ETIMEDOUT;
		}
		/* Short slices, so a cancel is noticed quickly. */
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int n = poll(&p, 1, left < 100 ? (int)left : 100);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n > 0) {
			int err = 0;
			socklen_t l = sizeof err;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
				err = errno;
			close(fd);
			return -err;
		}
	}
}

/* The numeric form of an address (for evidence). */
static void addr_text(const struct addrinfo *ai, char *buf, size_t size)
{
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, (socklen_t)size, NULL, 0,
			NI_NUMERICHOST) != 0)
		snprintf(buf, size, "?");
}

/* The host part of --server: "[v6]" loses its brackets and a ":PORT"
 * after a name or IPv4 address is dropped (and said so). Caller frees. */
static char *server_host(struct check_result *r, const char *server)
{
	if (server[0] == '[') {
		size_t n = strcspn(server + 1, "]");
		return xstrndup(server + 1, n);
	}
	const char *colon = strchr(server, ':');
	if (colon && !strchr(colon + 1, ':')) {
		result_note(r,
			    T("port %s of --server ignored: the ports below are fixed",
			      "--server 中的端口 %s 被忽略：使用下列固定端口"),
			    colon + 1);
		return xstrndup(server, (size_t)(colon - server));
	}
	return xstrdup(server);
}

void net_server_probe(const struct check_ctx *ctx, struct check_result *r,
		      const struct net_port *ports, size_t n)
{
	if (!ctx->t->this_machine) {
		result_set(
		    r, STATUS_NA, "%s",
		    T("run asr-doctor on the source machine itself: this test uses the network of the machine it runs on",
		      "请在源计算机上运行 asr-doctor：此测试使用运行它的计算机的网络"));
		return;
	}
	if (!ctx->server || !*ctx->server) {
		result_set(
		    r, STATUS_NA, "%s",
		    T("no server given: give --server HOST (the configuration or process server)",
		      "未指定服务器：请用 --server HOST 指定配置服务器或进程服务器"));
		return;
	}
	char *host = server_host(r, ctx->server);
	int timeout = ctx->timeout_ms > 0 ? ctx->timeout_ms : 3000;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int g = getaddrinfo(host, NULL, &hints, &res);
	if (g != 0) {
		result_note(r, "getaddrinfo(%s): %s", host, gai_strerror(g));
		result_set(r, STATUS_FAIL,
			   T("the name %s cannot be resolved: %s", "无法解析名称 %s：%s"), host,
			   gai_strerror(g));
		free(host);
		return;
	}
	struct sbuf addrs = { 0 };
	int naddr = 0;
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		char a[64];
		addr_text(ai, a, sizeof a);
		if (!strstr(sb_str(&addrs), a)) {
			sb_printf(&addrs, "%s%s", naddr ? ", " : "", a);
			naddr++;
		}
	}
	result_note(r, T("%s resolves to %s", "%s 解析为 %s"), host, sb_str(&addrs));
	sb_free(&addrs);
	struct sbuf bad_req = { 0 }, bad_opt = { 0 }, good = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct net_port *p = &ports[i];
		int rc = -EHOSTUNREACH;
		char a[64] = "?";
		int tried = 0;
		/* At most four addresses per port, the first that answers wins. */
		for (const struct addrinfo *ai = res; ai && tried < 4; ai = ai->ai_next, tried++) {
			if (ctx->cancel && *ctx->cancel)
				break;
			struct sockaddr_storage ss;
			memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
			if (ss.ss_family == AF_INET)
				((struct sockaddr_in *)&ss)->sin_port =
				    htons((unsigned short)p->port);
			else if (ss.ss_family == AF_INET6)
				((struct sockaddr_in6 *)&ss)->sin6_port =
				    htons((unsigned short)p->port);
			else
				continue;
			addr_text(ai, a, sizeof a);
			rc = tcp_try((struct sockaddr *)&ss, ai->ai_addrlen, timeout, ctx->cancel);
			if (rc == 0)
				break;
		}
		const char *what = T(p->what_en, p->what_zh);
		if (rc == 0) {
			result_note(r,
				    T("TCP %s port %d (%s): open", "TCP %s 端口 %d（%s）：可连接"),
				    a, p->port, what);
			sb_printf(&good, "%s%d", good.len ? ", " : "", p->port);
			continue;
		}
		const char *why =
		    rc == -ETIMEDOUT ? T("no answer (timed out)", "无应答（超时）") : strerror(-rc);
		result_note(r, T("TCP %s port %d (%s): %s%s", "TCP %s 端口 %d（%s）：%s%s"), a,
			    p->port, what, why,
			    p->required ? "" : T(" (warning only)", "（仅警告）"));
		struct sbuf *b = p->required ? &bad_req : &bad_opt;
		sb_printf(b, "%s%d (%s): %s", b->len ? "; " : "", p->port, what, why);
	}
	freeaddrinfo(res);
	if (bad_req.len)
		result_set(r, STATUS_FAIL,
			   T("%s cannot be reached on port %s", "无法连接 %s 的端口 %s"), host,
			   sb_str(&bad_req));
	if (bad_opt.len)
		result_set(r, STATUS_WARN,
			   T("%s does not answer on port %s", "%s 的端口 %s 无应答"), host,
			   sb_str(&bad_opt));
	result_set(r, STATUS_PASS, T("%s answers on port %s", "%s 的端口 %s 可连接"), host,
		   sb_str(&good));
	sb_free(&bad_req);
	sb_free(&bad_opt);
	sb_free(&good);
	free(host);
}

/* net.server with the real ports: 443 and 9443 required, 135 a warning. */
static void run_server(const struct check_ctx *ctx, struct check_result *r)
{
	static const struct net_port ports[] = {
		{ 443, true, "configuration server, HTTPS", "配置服务器，HTTPS" },
		{ 9443, true, "process server, data", "进程服务器，数据" },
		{ 135, false, "the article's telnet test", "文章中的 telnet 测试" },
	};
	net_server_probe(ctx, r, ports, ARRAY_LEN(ports));
}

const struct check_def check_net_server = {
	.id = "net.server",
	.title_en = "Configuration and process server reachable",
	.title_zh = "可连接配置服务器和进程服务器",
	.run = run_server,
};

/* ---- packages.ssh ------------------------------------------------------ */

/* The packages the push install needs, with their names per family. */
struct pkg_need {
	const char *deb;
	const char *rpm;
	const char *file; /* what the package installs, for the file fallback */
};

static const struct pkg_need pkg_needs[] = {
	{ "openssh-server", "openssh-server", "/usr/sbin/sshd" },
	{ "openssh-client", "openssh-clients", "/usr/bin/ssh" },
	{ "openssl", "openssl", "/usr/bin/openssl" },
};

/* Judges the packages from /var/lib/dpkg/status text. */
static void pkgs_dpkg(struct check_result *r, const char *text)
{
	struct sbuf missing = { 0 };
	for (size_t i = 0; i < ARRAY_LEN(pkg_needs); i++) {
		struct pkg_state st;
		dpkg_status_find(text, pkg_needs[i].deb, &st);
		if (st.found) {
			char *ev =
			    xasprintf("Package: %s; Status: %s; Version: %s", pkg_needs[i].deb,
				      st.status ? st.status : "?", st.version ? st.version : "?");
			result_file(r, "/var/lib/dpkg/status", st.line, ev);
			free(ev);
		} else {
			result_note(r,
				    T("/var/lib/dpkg/status has no package %s",
				      "/var/lib/dpkg/status 中没有软件包 %s"),
				    pkg_needs[i].deb);
		}
		if (!st.installed)
			sb_printf(&missing, "%s%s", missing.len ? ", " : "", pkg_needs[i].deb);
		pkg_state_free(&st);
	}
	if (missing.len)
		result_set(r, STATUS_FAIL, T("not installed: %s", "未安装：%s"), sb_str(&missing));
	else
		result_set(r, STATUS_PASS, "%s",
			   T("openssh-server, openssh-client and openssl are installed (dpkg)",
			     "已安装 openssh-server、openssh-client 和 openssl（dpkg）"));
	sb_free(&missing);
}

/* Whether the target is a SUSE system (os-release ID or ID_LIKE). */
static bool is_suse(struct target *t)
{
	struct os_release o;
	struct os_source src;
	bool suse = false;
	if (os_detect(t, &o, &src) == 0)
		suse = (o.id &&
			(strstr(o.id, "sles") || strstr(o.id, "suse") || strstr(o.id, "sled"))) ||
		       (o.id_like && strstr(o.id_like, "suse"));
	os_release_free(&o);
	free(src.refined);
	return suse;
}

/* Judges the packages from `rpm -q` output. SUSE 12 ships the client and
 * the server in one "openssh" package: on SUSE it counts when the file it
 * would provide is there (on Red Hat, "openssh" is only the common part). */
static void pkgs_rpm(const struct check_ctx *ctx, struct check_result *r, const char *out)
{
	struct sbuf missing = { 0 };
	struct pkg_state whole;
	rpm_q_find(out, "openssh", &whole);
	if (whole.installed && !is_suse(ctx->t))
		whole.installed = false;
	for (size_t i = 0; i < ARRAY_LEN(pkg_needs); i++) {
		struct pkg_state st;
		rpm_q_find(out, pkg_needs[i].rpm, &st);
		bool ok = st.installed;
		if (!ok && i < 2 && whole.installed && target_exists(ctx->t, pkg_needs[i].file)) {
			ok = true;
			result_note(r,
				    T("%s: provided by the openssh package (%s exists)",
				      "%s：由 openssh 软件包提供（%s 存在）"),
				    pkg_needs[i].rpm, pkg_needs[i].file);
		}
		if (!ok)
			sb_printf(&missing, "%s%s", missing.len ? ", " : "", pkg_needs[i].rpm);
		pkg_state_free(&st);
	}
	pkg_state_free(&whole);
	if (missing.len)
		result_set(r, STATUS_FAIL, T("not installed: %s", "未安装：%s"), sb_str(&missing));
	else
		result_set(r, STATUS_PASS, "%s",
			   T("openssh-server, openssh-clients and openssl are installed (rpm)",
			     "已安装 openssh-server、openssh-clients 和 openssl（rpm）"));
	sb_free(&missing);
}

/* Judges by the programs the packages install, when no package database
 * can be asked. */
static void pkgs_files(const struct check_ctx *ctx, struct check_result *r, const char *why)
{
	result_note(r, "%s", why);
	struct sbuf missing = { 0 };
	for (size_t i = 0; i < ARRAY_LEN(pkg_needs); i++) {
		bool there = target_exists(ctx->t, pkg_needs[i].file);
		result_note(r, "%s: %s", pkg_needs[i].file,
			    there ? T("present", "存在") : T("missing", "缺失"));
		if (!there)
			sb_printf(&missing, "%s%s", missing.len ? ", " : "", pkg_needs[i].file);
	}
	if (missing.len)
		result_set(r, STATUS_FAIL,
			   T("missing (judged by files, not by the package database): %s",
			     "缺失（按文件判断，未查询软件包数据库）：%s"),
			   sb_str(&missing));
	else
		result_set(
		    r, STATUS_PASS, "%s",
		    T("sshd, ssh and openssl are present (judged by files, not by the package database)",
		      "sshd、ssh 和 openssl 均存在（按文件判断，未查询软件包数据库）"));
	sb_free(&missing);
}

/* packages.ssh: dpkg status, else rpm -q, else the files. */
static void run_packages(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s",
			   T("Linux packages: not applicable on Windows",
			     "Linux 软件包：不适用于 Windows"));
		return;
	}
	char *text = NULL;
	if (target_read(ctx->t, "/var/lib/dpkg/status", &text, NULL) == 0) {
		pkgs_dpkg(r, text);
		free(text);
		return;
	}
	bool rpm_db =
	    target_exists(ctx->t, "/var/lib/rpm") || target_exists(ctx->t, "/usr/lib/sysimage/rpm");
	if (rpm_db && ctx->t->can_run) {
		const char *argv[] = { "rpm",
				       "-q",
				       "--qf",
				       "%{NAME} %{VERSION}-%{RELEASE}\\n",
				       "openssh-server",
				       "openssh-clients",
				       "openssh",
				       "openssl",
				       NULL };
		struct cmd_result out;
		int rc = result_run(r, ctx, argv, &out);
		if (rc == 0 && out.status >= 0 && !out.timed_out) {
			pkgs_rpm(ctx, r, out.out ? out.out : "");
			cmd_result_free(&out);
			return;
		}
		cmd_result_free(&out);
		pkgs_files(ctx, r,
			   T("rpm could not be run: judging by files", "无法运行 rpm：按文件判断"));
		return;
	}
	pkgs_files(
	    ctx, r,
	    rpm_db
		? T("an RPM database is present but commands cannot run on this target: judging by files",
		    "存在 RPM 数据库，但无法在此目标上运行命令：按文件判断")
		: T("no dpkg status and no RPM database: judging by files",
		    "没有 dpkg 状态文件，也没有 RPM 数据库：按文件判断"));
}

const struct check_def check_packages_ssh = {
	.id = "packages.ssh",
	.title_en = "OpenSSH and OpenSSL installed",
	.title_zh = "已安装 OpenSSH 和 OpenSSL",
	.run = run_packages,
};

/* ---- net.hosts --------------------------------------------------------- */

/* The first word of the first line that is not a comment (caller frees),
 * or NULL. */
static char *first_word(const char *text)
{
	for (const char *p = text; p && *p;) {
		p += strspn(p, " \t\r");
		size_t n = strcspn(p, " \t\r\n#");
		if (n)
			return xstrndup(p, n);
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The host name the machine has: the running name on a live target, else
 * the configured one. *from gets where it came from (static). */
static char *host_name(const struct check_ctx *ctx, struct check_result *r, const char **from)
{
	struct target *t = ctx->t;
	char *text = NULL, *hn = NULL;
	if (t->live && t->can_run) {
		const char *argv[] = { "hostname", NULL };
		struct cmd_result out;
		if (result_run(r, ctx, argv, &out) == 0 && out.status == 0 && out.out)
			hn = first_word(out.out);
		cmd_result_free(&out);
		if (hn) {
			*from = "hostname";
			return hn;
		}
	}
	if (t->live && target_read(t, "/proc/sys/kernel/hostname", &text, NULL) == 0 &&
	    (hn = first_word(text))) {
		free(text);
		*from = "/proc/sys/kernel/hostname";
		return hn;
	}
	free(text);
	static const char *const files[] = { "/etc/hostname", "/etc/HOSTNAME" };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		text = NULL;
		if (target_read(t, files[i], &text, NULL) == 0 && (hn = first_word(text))) {
			free(text);
			result_file(r, files[i], 1, hn);
			*from = files[i];
			return hn;
		}
		free(text);
	}
	text = NULL;
	int line = 0;
	if (target_read(t, "/etc/sysconfig/network", &text, NULL) == 0 &&
	    (hn = kv_get(text, "HOSTNAME", &line)) && *hn) {
		free(text);
		result_file(r, "/etc/sysconfig/network", line, hn);
		*from = "/etc/sysconfig/network";
		return hn;
	}
	free(hn);
	free(text);
	return NULL;
}

/* The machine's own addresses, without loopback: /proc/net/fib_trie and
 * /proc/net/if_inet6 when they can be read, else `ip -o addr`. Returns
 * false when nothing tells. */
static bool own_addresses(const struct check_ctx *ctx, struct check_result *r, struct strvec *out)
{
	struct strvec all = { 0 };
	char *text = NULL;
	bool known = false;
	if (target_read(ctx->t, "/proc/net/fib_trie", &text, NULL) == 0) {
		fib_trie_local(text, &all);
		known = true;
		free(text);
		text = NULL;
		if (target_read(ctx->t, "/proc/net/if_inet6", &text, NULL) == 0)
			if_inet6_addrs(text, &all);
		free(text);
	} else if (ctx->t->live && ctx->t->can_run) {
		const char *argv[] = { "ip", "-o", "addr", NULL };
		struct cmd_result res;
		if (result_run(r, ctx, argv, &res) == 0 && res.status == 0 && res.out) {
			ip_addr_parse(res.out, &all);
			known = true;
		}
		cmd_result_free(&res);
	}
	for (size_t i = 0; i < all.n; i++) {
		/* Link-local IPv6 addresses do not identify the machine. */
		if (!addr_is_loopback(all.v[i]) && !str_starts(all.v[i], "fe80:"))
			sv_push(out, all.v[i]);
	}
	sv_free(&all);
	return known;
}

/* Joins a string vector with sep (caller frees). */
static char *join_sep(const struct strvec *sv, const char *sep)
{
	struct sbuf b = { 0 };
	sb_add(&b, "");
	for (size_t i = 0; i < sv->n; i++)
		sb_printf(&b, "%s%s", i ? sep : "", sv->v[i]);
	return sb_steal(&b);
}

/* Joins a string vector with ", " (caller frees). */
static char *join(const struct strvec *sv)
{
	return join_sep(sv, ", ");
}

/* net.hosts: the host name, its lines in /etc/hosts, and the machine's addresses. */
static void run_hosts(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(
		    r, STATUS_NA, "%s",
		    T("/etc/hosts: not applicable on Windows", "/etc/hosts：不适用于 Windows"));
		return;
	}
	const char *from = NULL;
	char *hn = host_name(ctx, r, &from);
	if (!hn) {
		result_set(r, STATUS_WARN, "%s",
			   T("cannot tell the host name (no /etc/hostname)",
			     "无法确定主机名（没有 /etc/hostname）"));
		return;
	}
	result_note(r, T("host name %s (from %s)", "主机名 %s（来自 %s）"), hn, from);
	if (ctx->t->live && strcmp(from, "/etc/hostname") != 0) {
		char *cf = NULL, *configured = NULL;
		if (target_read(ctx->t, "/etc/hostname", &cf, NULL) == 0 &&
		    (configured = first_word(cf)) && !str_ieq(configured, hn))
			result_note(r,
				    T("/etc/hostname says %s: the name changes at the next boot",
				      "/etc/hostname 中为 %s：下次启动后主机名会改变"),
				    configured);
		free(configured);
		free(cf);
	}
	char *text = NULL;
	int rc = target_read(ctx->t, "/etc/hosts", &text, NULL);
	if (rc < 0) {
		result_set(r, STATUS_FAIL,
			   T("/etc/hosts cannot be read: %s", "无法读取 /etc/hosts：%s"),
			   strerror(-rc));
		free(hn);
		return;
	}
	struct hosts_line *lines = NULL;
	size_t nl = hosts_parse(text, &lines);
	free(text);
	struct strvec mapped = { 0 }; /* canonical addresses, in file order */
	const struct hosts_line *first = NULL;
	for (size_t i = 0; i < nl; i++) {
		bool match = false;
		for (size_t k = 0; k < lines[i].names.n && !match; k++)
			match = hosts_name_matches(lines[i].names.v[k], hn);
		if (!match)
			continue;
		char c[64];
		char *shown = join_sep(&lines[i].names, " ");
		char *ev = xasprintf("%s %s", lines[i].addr, shown);
		result_file(r, "/etc/hosts", lines[i].line, ev);
		free(ev);
		free(shown);
		if (addr_canon(lines[i].addr, c, sizeof c) && !sv_contains(&mapped, c)) {
			sv_push(&mapped, c);
			if (!first)
				first = &lines[i];
		}
	}
	struct strvec own = { 0 };
	bool known = own_addresses(ctx, r, &own);
	char *own_text = join(&own);
	if (known)
		result_note(r, T("this machine's addresses: %s", "本机地址：%s"),
			    own.n ? own_text : "-");
	else
		result_note(
		    r, "%s",
		    T("the machine's addresses cannot be read here (mounted root): not compared",
		      "此处无法读取本机地址（挂载的根目录）：未作比较"));
	if (mapped.n == 0) {
		result_set(r, STATUS_FAIL,
			   T("the host name %s has no line in /etc/hosts",
			     "主机名 %s 在 /etc/hosts 中没有对应行"),
			   hn);
	} else {
		bool any_real = false;
		struct strvec foreign = { 0 };
		for (size_t i = 0; i < mapped.n; i++) {
			if (addr_is_loopback(mapped.v[i]))
				continue;
			any_real = true;
			if (known && own.n && !sv_contains(&own, mapped.v[i]))
				sv_push(&foreign, mapped.v[i]);
		}
		char *m = join(&mapped);
		if (!any_real && own.n)
			result_set(
			    r, STATUS_WARN,
			    T("%s maps only to %s in /etc/hosts, not to this machine's adapter address (%s)",
			      "%s 在 /etc/hosts 中只映射到 %s，而不是本机网卡地址（%s）"),
			    hn, m, own_text);
		else if (!any_real)
			result_set(
			    r, STATUS_WARN,
			    T("%s maps only to %s in /etc/hosts, not to the address of a network adapter",
			      "%s 在 /etc/hosts 中只映射到 %s，而不是网卡地址"),
			    hn, m);
		else if (first && addr_is_loopback(first->addr))
			result_set(
			    r, STATUS_WARN,
			    T("%s maps first to %s (line %d): a lookup stops at the first match",
			      "%s 首先映射到 %s（第 %d 行）：查找在第一个匹配处停止"),
			    hn, first->addr, first->line);
		if (foreign.n) {
			char *f = join(&foreign);
			result_set(r, STATUS_WARN,
				   T("%s maps to %s, which is not an address of this machine (%s)",
				     "%s 映射到 %s，但这不是本机地址（%s）"),
				   hn, f, own_text);
			free(f);
		}
		if (known) {
			for (size_t i = 0; i < own.n; i++)
				if (!sv_contains(&mapped, own.v[i]))
					result_note(r,
						    T("adapter address %s is not mapped to %s",
						      "网卡地址 %s 未映射到 %s"),
						    own.v[i], hn);
		}
		result_set(r, STATUS_PASS,
			   T("%s maps to %s in /etc/hosts", "%s 在 /etc/hosts 中映射到 %s"), hn, m);
		free(m);
		sv_free(&foreign);
	}
	free(own_text);
	sv_free(&own);
	sv_free(&mapped);
	hosts_free(lines, nl);
	free(hn);
}

const struct check_def check_net_hosts = {
	.id = "net.hosts",
	.title_en = "Host name in /etc/hosts",
	.title_zh = "/etc/hosts 中的主机名",
	.run = run_hosts,
};
