/* genlog.c: writes a large installer log for the benchmark: UTF-16LE with
 * a byte order mark and CRLF line ends, as the Windows installer writes
 * ASRUnifiedAgentInstaller.log, made of the lines the article quotes
 * (with timestamps) and, every 1000th line, the installer's error lines
 * `- Error code: -2147164145 [0x8004E00F]` and `- Exit code: 802`. Usage:
 * genlog FILE MEGABYTES. Prints the number of lines naming 0x8004E00F. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const filler[] = {
	"Unregistering the existing application...",
	"Create the catalogue object",
	"Get the collection of Applications",
	"Installing the VSS provider: C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\agent",
	"Checking prerequisites: free space 1843 MB, memory 3962 MB, OS build 17763",
};

/* Appends s as UTF-16LE (ASCII only) and CRLF. */
static size_t put_line(unsigned char *out, const char *s)
{
	size_t o = 0;
	for (; *s; s++) {
		out[o++] = (unsigned char)*s;
		out[o++] = 0;
	}
	memcpy(out + o, "\r\0\n\0", 4);
	return o + 4;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: genlog FILE MEGABYTES\n");
		return 2;
	}
	unsigned long long want = strtoull(argv[2], NULL, 10) * 1024 * 1024;
	FILE *f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	static unsigned char buf[1 << 20];
	size_t n = 0;
	unsigned long long written = 2, line = 0, hits = 0;
	fwrite("\xff\xfe", 1, 2, f);
	while (written < want) {
		char text[256];
		line++;
		if (line % 1000 == 0) {
			snprintf(text, sizeof text, "- Error code: -2147164145 [0x8004E00F]");
			hits++;
		} else if (line % 1000 == 1 && line > 1) {
			snprintf(text, sizeof text, "- Exit code: 802");
		} else {
			snprintf(text, sizeof text, "2026-12-03 21:%02llu:%02llu.%03llu [%5llu] %s", line / 60000 % 60,
				 line / 1000 % 60, line % 1000, 4000 + line % 97, filler[line % 5]);
		}
		n += put_line(buf + n, text);
		if (n > sizeof buf - 1024) {
			if (fwrite(buf, 1, n, f) != n) {
				perror(argv[1]);
				return 2;
			}
			written += n;
			n = 0;
		}
	}
	if ((n && fwrite(buf, 1, n, f) != n) || fclose(f) != 0) {
		perror(argv[1]);
		return 2;
	}
	printf("%llu\n", hits);
	return 0;
}
