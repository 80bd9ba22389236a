/* nss.c: linked into the portable binary only (make static). Static glibc
 * has the "files" and "dns" lookup modules built in, but loads any other
 * module an nsswitch.conf names (mdns4_minimal, myhostname, sss, ...) from
 * the examined machine's shared libraries, which belong to another glibc
 * and abort the process. So the portable binary looks names up through
 * /etc/hosts and DNS (/etc/resolv.conf) only, and accounts through the
 * files only, whatever the machine's nsswitch.conf says. */
#include <nss.h>

/* Runs before main: pins the databases the program may consult. */
__attribute__((constructor)) static void static_nss_pin(void)
{
	__nss_configure_lookup("hosts", "files dns");
	__nss_configure_lookup("services", "files");
	__nss_configure_lookup("protocols", "files");
	__nss_configure_lookup("passwd", "files");
	__nss_configure_lookup("group", "files");
	__nss_configure_lookup("shadow", "files");
}
