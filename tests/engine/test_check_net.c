/* test_check_net.c: net.server against real listeners on 127.0.0.1,
 * packages.ssh on dpkg databases, RPM systems judged by files and recorded
 * `rpm -q` output, and net.hosts on /etc/hosts variants with the
 * machine's addresses from fib_trie. */
#include "misc_testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/check_misc.h"
#include "engine/sysparse.h"

#define MISC "tests/fixtures/misc/"

/* A TCP socket on 127.0.0.1 with an ephemeral port; listening or not. */
static int local_socket(bool listening, int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t l = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	*port = ntohs(a.sin_port);
	if (listening)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

/* Probes server with ports on the local target. */
static void probe(const char *server, const struct net_port *ports, size_t n,
		  struct check_result *r)
{
	struct target *t = target_local_new();
	struct check_ctx ctx = { .t = t, .server = server, .timeout_ms = 2000 };
	result_init(r, "net.server");
	net_server_probe(&ctx, r, ports, n);
	target_free(t);
}

static void test_server_reachable_passes(void **state)
{
	(void)state;
	int port;
	int fd = local_socket(true, &port);
	struct net_port ports[] = { { port, true, "test listener", "测试监听" } };
	struct check_result r;
	probe("127.0.0.1", ports, 1, &r);
	tl_status(&r, STATUS_PASS);
	char *want = xasprintf("TCP 127.0.0.1 port %d (test listener): open", port);
	tl_ev_has(&r, EV_NOTE, want);
	free(want);
	tl_ev_has(&r, EV_NOTE, "127.0.0.1 resolves to 127.0.0.1");
	result_free(&r);
	/* By name, through the resolver. */
	probe("localhost", ports, 1, &r);
	tl_status(&r, STATUS_PASS);
	result_free(&r);
	close(fd);
}

static void test_required_port_closed_fails(void **state)
{
	(void)state;
	int open_port, closed_port;
	int fd = local_socket(true, &open_port);
	int fd2 = local_socket(false, &closed_port); /* bound, not listening: refused */
	struct net_port ports[] = {
		{ open_port, true, "open", "开放" },
		{ closed_port, true, "closed", "关闭" },
	};
	struct check_result r;
	probe("127.0.0.1", ports, 2, &r);
	tl_status(&r, STATUS_FAIL);
	char *want =
	    xasprintf("cannot be reached on port %d (closed): Connection refused", closed_port);
	tl_finding_has(&r, want);
	free(want);
	result_free(&r);
	close(fd);
	close(fd2);
}

static void test_optional_port_closed_warns(void **state)
{
	(void)state;
	int open_port, closed_port;
	int fd = local_socket(true, &open_port);
	int fd2 = local_socket(false, &closed_port);
	struct net_port ports[] = {
		{ open_port, true, "open", "开放" },
		{ closed_port, false, "telnet test", "telnet 测试" },
	};
	struct check_result r;
	probe("127.0.0.1:8443", ports, 2, &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "does not answer on port");
	tl_ev_has(&r, EV_NOTE, "(warning only)");
	tl_ev_has(&r, EV_NOTE, "port 8443 of --server ignored");
	result_free(&r);
	close(fd);
	close(fd2);
}

static void test_unresolvable_name_fails(void **state)
{
	(void)state;
	struct net_port ports[] = { { 443, true, "https", "https" } };
	struct check_result r;
	/* .invalid never resolves (RFC 6761). */
	probe("no-such-server.invalid", ports, 1, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "no-such-server.invalid cannot be resolved");
	result_free(&r);
}

static void test_server_not_applicable_cases(void **state)
{
	(void)state;
	struct check_result r;
	struct target *t = target_local_new();
	tl_run_t(t, "net.server", NULL, &r);
	tl_status(&r, STATUS_NA);
	tl_finding_has(&r, "give --server HOST");
	result_free(&r);
	target_free(t);
	/* A mounted root: this machine's network says nothing about it. */
	t = tl_root(MISC "hosts-ok");
	tl_run_t(t, "net.server", "127.0.0.1", &r);
	tl_status(&r, STATUS_NA);
	tl_finding_has(&r, "run asr-doctor on the source machine");
	result_free(&r);
	target_free(t);
}

static void test_registered_check_tries_the_real_ports(void **state)
{
	(void)state;
	struct check_result r;
	struct target *t = target_local_new();
	tl_run_t(t, "net.server", "127.0.0.1", &r);
	tl_ev_has(&r, EV_NOTE, "port 443 (configuration server, HTTPS)");
	tl_ev_has(&r, EV_NOTE, "port 9443 (process server, data)");
	tl_ev_has(&r, EV_NOTE, "port 135 (the article's telnet test)");
	result_free(&r);
	target_free(t);
}

/* ---- packages.ssh --------------------------------------------------- */

static void test_dpkg_installed_passes(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "dpkg-ok", "packages.ssh", &r);
	tl_status(&r, STATUS_PASS);
	const struct evidence *e = tl_ev_has(
	    &r, EV_FILE,
	    "Package: openssh-server; Status: install ok installed; Version: 1:8.9p1-3ubuntu0.6");
	assert_string_equal(e->path, "/var/lib/dpkg/status");
	char *status = tu_read_file(MISC "dpkg-ok/var/lib/dpkg/status", NULL);
	/* The line number points at that package's "Package:" line. */
	int ln = 1;
	const char *p = status;
	while (!str_starts(p, "Package: openssh-server\n")) {
		p = strchr(p, '\n') + 1;
		ln++;
	}
	assert_int_equal(e->line, ln);
	free(status);
	result_free(&r);
}

static void test_dpkg_missing_packages_fail(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "dpkg-noserver", "packages.ssh", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "not installed: openssh-server, openssl");
	tl_ev_has(&r, EV_FILE, "Status: deinstall ok config-files");
	tl_ev_has(&r, EV_NOTE, "has no package openssl");
	result_free(&r);
}

static void test_rpm_system_judged_by_files(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "rpm-files", "packages.ssh", &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "judged by files");
	tl_ev_has(&r, EV_NOTE, "commands cannot run on this target");
	result_free(&r);
	tl_run(MISC "rpm-files-nossl", "packages.ssh", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "/usr/bin/openssl");
	result_free(&r);
}

#define RPM_CMD                                                                                    \
	"rpm -q --qf %{NAME} %{VERSION}-%{RELEASE}\\n openssh-server openssh-clients openssh openssl"

static void test_recorded_rpm_query(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum status want;
		const char *says;
	} cases[] = {
		{ MISC "rpm/rpm-q-el9.txt", STATUS_PASS, "installed (rpm)" },
		{ MISC "rpm/rpm-q-el9-noserver.txt", STATUS_FAIL, "not installed: openssh-server" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tl_replay rec[] = { { RPM_CMD, cases[i].file, NULL, 1 } };
		struct target *t = tl_replay_target(MISC "rpm-files", TARGET_OS_LINUX, rec, 1);
		struct check_result r;
		tl_run_t(t, "packages.ssh", NULL, &r);
		assert_int_equal(tl_unknown_commands, 0);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		result_free(&r);
		target_free(t);
	}
}

static void test_recorded_rpm_query_suse_single_package(void **state)
{
	(void)state;
	/* SUSE 12: one "openssh" package holds sshd and ssh. */
	const struct tl_replay rec[] = { { RPM_CMD, MISC "rpm/rpm-q-sles12.txt", NULL, 2 } };
	struct target *t = tl_replay_target(MISC "rpm-sles12", TARGET_OS_LINUX, rec, 1);
	struct check_result r;
	tl_run_t(t, "packages.ssh", NULL, &r);
	tl_status(&r, STATUS_PASS);
	tl_ev_has(&r, EV_NOTE,
		  "openssh-server: provided by the openssh package (/usr/sbin/sshd exists)");
	tl_ev_has(&r, EV_NOTE,
		  "openssh-clients: provided by the openssh package (/usr/bin/ssh exists)");
	result_free(&r);
	target_free(t);
	/* The same answer from a Red Hat system is a missing server. */
	t = tl_replay_target(MISC "rpm-files", TARGET_OS_LINUX, rec, 1);
	tl_run_t(t, "packages.ssh", NULL, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "not installed: openssh-server, openssh-clients");
	result_free(&r);
	target_free(t);
}

static void test_package_parsers(void **state)
{
	(void)state;
	struct pkg_state st;
	const char *db =
	    "Package: openssl\nStatus: install ok installed\nArchitecture: i386\nVersion: 3.0.2\n\n"
	    "Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.2\n\n"
	    "Package: openssl-dev\nStatus: purge ok not-installed\n\n"
	    "Package: ssh\nStatus: install ok half-configured\nVersion: 1\n";
	assert_true(dpkg_status_find(db, "openssl", &st));
	assert_true(st.installed);
	assert_int_equal(st.line, 1);
	pkg_state_free(&st);
	assert_true(dpkg_status_find(db, "openssl-dev", &st));
	assert_false(st.installed);
	pkg_state_free(&st);
	assert_true(dpkg_status_find(db, "ssh", &st));
	assert_false(st.installed);
	assert_string_equal(st.version, "1");
	pkg_state_free(&st);
	assert_false(dpkg_status_find(db, "open", &st));
	pkg_state_free(&st);
	assert_true(rpm_q_find("openssh-server 8.7p1-38.el9\npackage openssl is not installed\n",
			       "openssh-server", &st));
	assert_true(st.installed);
	assert_string_equal(st.version, "8.7p1-38.el9");
	pkg_state_free(&st);
	assert_true(rpm_q_find("openssh-server 8.7p1-38.el9\npackage openssl is not installed\n",
			       "openssl", &st));
	assert_false(st.installed);
	pkg_state_free(&st);
	assert_false(rpm_q_find("openssh-server 8.7p1-38.el9\n", "openssh", &st));
	pkg_state_free(&st);
}

/* ---- net.hosts ------------------------------------------------------ */

static void test_hosts_mapped_to_adapter_passes(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "hosts-ok", "net.hosts", &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "web01 maps to 10.0.0.4");
	const struct evidence *e = tl_ev_has(&r, EV_FILE, "10.0.0.4 web01.contoso.com web01");
	assert_string_equal(e->path, "/etc/hosts");
	assert_int_equal(e->line, 2);
	/* Loopback and link-local addresses are not the machine's identity. */
	tl_ev_has(&r, EV_NOTE, "this machine's addresses: 10.0.0.4");
	assert_null(tl_ev(&r, EV_NOTE, "fe80"));
	result_free(&r);
}

static void test_hosts_loopback_only_warns(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "hosts-loopback", "net.hosts", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "web01 maps only to 127.0.1.1");
	tl_finding_has(&r, "(10.0.0.4)");
	tl_ev_has(&r, EV_NOTE, "adapter address 10.0.0.4 is not mapped to web01");
	result_free(&r);
}

static void test_hosts_foreign_address_warns(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "hosts-stale", "net.hosts", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r,
		       "maps to 192.168.10.21, which is not an address of this machine (10.0.0.4)");
	result_free(&r);
}

static void test_hosts_without_name_fails(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "hosts-absent", "net.hosts", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "db02.contoso.com has no line in /etc/hosts");
	result_free(&r);
}

static void test_hosts_on_mounted_root(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "hosts-mounted", "net.hosts", &r);
	tl_status(&r, STATUS_PASS);
	const struct evidence *e = tl_ev_has(&r, EV_FILE, "app03.contoso.com");
	assert_string_equal(e->path, "/etc/sysconfig/network");
	assert_int_equal(e->line, 2);
	tl_ev_has(&r, EV_NOTE, "cannot be read here (mounted root)");
	result_free(&r);
}

static void test_hosts_first_match_loopback_warns(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("hosts");
	char *p = xasprintf("%s/etc/hostname", dir);
	tu_write_file(p, "web01\n");
	free(p);
	p = xasprintf("%s/etc/hosts", dir);
	tu_write_file(p, "127.0.1.1 web01\n10.0.0.4 web01.contoso.com web01 # primary\n");
	free(p);
	struct check_result r;
	tl_run(dir, "net.hosts", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "web01 maps first to 127.0.1.1 (line 1)");
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

static void test_recorded_live_hostname_and_ip(void **state)
{
	(void)state;
	/* A live machine whose /proc/net cannot be read: the running host name
	 * comes from `hostname`, the addresses from `ip -o addr`. */
	char *dir = tu_mkdtemp("hosts");
	char *p = xasprintf("%s/etc/hostname", dir);
	tu_write_file(p, "old-name\n");
	free(p);
	p = xasprintf("%s/etc/hosts", dir);
	tu_write_file(p, "127.0.0.1 localhost\n10.0.0.4 web01\n");
	free(p);
	const struct tl_replay rec[] = {
		{ "hostname", MISC "hostname-live.txt", NULL, 0 },
		{ "ip -o addr", MISC "ip-o-addr.txt", NULL, 0 },
	};
	struct target *t = tl_replay_target(dir, TARGET_OS_LINUX, rec, ARRAY_LEN(rec));
	t->live = true;
	struct check_result r;
	tl_run_t(t, "net.hosts", NULL, &r);
	assert_int_equal(tl_unknown_commands, 0);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "web01 maps to 10.0.0.4");
	tl_ev_has(&r, EV_NOTE, "host name web01 (from hostname)");
	tl_ev_has(&r, EV_NOTE, "/etc/hostname says old-name");
	tl_ev_has(&r, EV_NOTE, "this machine's addresses: 10.0.0.4");
	result_free(&r);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

static void test_address_parsers(void **state)
{
	(void)state;
	struct strvec v = { 0 };
	char *fib = tu_read_file(MISC "hosts-ok/proc/net/fib_trie", NULL);
	/* Main and Local list each address; /8 host LOCAL is a route, not an address. */
	assert_int_equal(fib_trie_local(fib, &v), 2);
	assert_string_equal(v.v[0], "10.0.0.4");
	assert_string_equal(v.v[1], "127.0.0.1");
	free(fib);
	sv_free(&v);
	const char *ip =
	    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
	    "2: eth0    inet 10.0.0.4/24 metric 100 brd 10.0.0.255 scope global eth0\\       valid_lft forever\n"
	    "2: eth0    inet6 2001:db8::4/64 scope global \\       valid_lft forever preferred_lft forever\n"
	    "2: eth0    inet6 fe80::20d:3aff:fe1c:2b3d/64 scope link \\       valid_lft forever\n";
	assert_int_equal(ip_addr_parse(ip, &v), 4);
	assert_true(sv_contains(&v, "10.0.0.4"));
	assert_true(sv_contains(&v, "2001:db8::4"));
	sv_free(&v);
	assert_int_equal(
	    if_inet6_addrs("20010db8000000000000000000000004 02 40 00 80     eth0\nshort\n", &v),
	    1);
	assert_string_equal(v.v[0], "2001:db8::4");
	sv_free(&v);
	assert_true(hosts_name_matches("WEB01", "web01"));
	assert_true(hosts_name_matches("web01.contoso.com", "web01"));
	assert_true(hosts_name_matches("web01", "web01.contoso.com"));
	assert_false(hosts_name_matches("web01.contoso.com", "web01.fabrikam.com"));
	assert_false(hosts_name_matches("web011", "web01"));
	assert_true(addr_is_loopback("127.0.1.1"));
	assert_true(addr_is_loopback("::1"));
	assert_false(addr_is_loopback("10.0.0.4"));
	assert_false(addr_is_loopback("not an address"));
	char c[64];
	assert_true(addr_canon("2001:DB8:0:0::4", c, sizeof c));
	assert_string_equal(c, "2001:db8::4");
	assert_false(addr_canon("300.1.1.1", c, sizeof c));
}

/* The machine's own /proc/net/fib_trie, read as the check reads it, gives
 * the same IPv4 addresses as `ip -o -4 addr`. */
static void test_fib_trie_agrees_with_ip_on_this_machine(void **state)
{
	(void)state;
	char *out = NULL;
	if (!tu_have("ip") || access("/proc/net/fib_trie", R_OK) != 0 ||
	    tu_sh(&out, "ip -o -4 addr") != 0) {
		free(out);
		skip();
	}
	struct strvec a = { 0 }, b = { 0 };
	char *fib = tu_read_file("/proc/net/fib_trie", NULL);
	fib_trie_local(fib, &a);
	ip_addr_parse(out, &b);
	assert_true(a.n > 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < b.n; i++)
		assert_true(sv_contains(&a, b.v[i]));
	free(fib);
	free(out);
	sv_free(&a);
	sv_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_reachable_passes),
		cmocka_unit_test(test_required_port_closed_fails),
		cmocka_unit_test(test_optional_port_closed_warns),
		cmocka_unit_test(test_unresolvable_name_fails),
		cmocka_unit_test(test_server_not_applicable_cases),
		cmocka_unit_test(test_registered_check_tries_the_real_ports),
		cmocka_unit_test(test_dpkg_installed_passes),
		cmocka_unit_test(test_dpkg_missing_packages_fail),
		cmocka_unit_test(test_rpm_system_judged_by_files),
		cmocka_unit_test(test_recorded_rpm_query),
		cmocka_unit_test(test_recorded_rpm_query_suse_single_package),
		cmocka_unit_test(test_package_parsers),
		cmocka_unit_test(test_hosts_mapped_to_adapter_passes),
		cmocka_unit_test(test_hosts_loopback_only_warns),
		cmocka_unit_test(test_hosts_foreign_address_warns),
		cmocka_unit_test(test_hosts_without_name_fails),
		cmocka_unit_test(test_hosts_on_mounted_root),
		cmocka_unit_test(test_hosts_first_match_loopback_warns),
		cmocka_unit_test(test_recorded_live_hostname_and_ip),
		cmocka_unit_test(test_address_parsers),
		cmocka_unit_test(test_fib_trie_agrees_with_ip_on_this_machine),
	};
	return cmocka_run_group_tests_name("check_net", tests, NULL, NULL);
}
