/* winstate.h: the Windows suites' side of the stand-in for a Windows
 * machine's commands (tests/support/win_standin.c): where the program is,
 * a state folder seeded with the machine the recordings in
 * tests/fixtures/windows describe, and a target whose commands go to the
 * stand-in as the line a Windows OpenSSH server hands cmd.exe. */
#ifndef ASR_WINSTATE_H
#define ASR_WINSTATE_H

#include <stddef.h>

#include "engine/target/target.h"

/* The stand-in program: $ASR_WIN_STANDIN, else support/win-standin beside
 * the suite's own folder (build/.../tests/support/). Static storage. */
const char *ws_standin(void);

/* Fills the state folder dir (made when missing) with a Windows Server
 * 2019 machine named WEB01 whose push install would fail: the login
 * web01\asrpush (an administrator), LocalAccountTokenFilterPolicy not set,
 * the account asrpush disabled, Netlogon stopped and disabled, the File
 * and Printer Sharing and WMI rule groups disabled (Remote Desktop
 * enabled), the firewall on, code page 850; its system drive's files in
 * dir/fs/C: (ProgramData, Users\asrpush and Windows, empty), what its SFTP
 * shows as /C:/. */
void ws_seed(const char *dir);
/* Replaces one state file (name under dir) with text. */
void ws_set(const char *dir, const char *name, const char *text);
/* One state file's text (caller frees); "" when it does not exist. */
char *ws_get(const char *dir, const char *name);

/* Runs line through the stand-in on state dir as sshd's ForceCommand
 * would ($SSH_ORIGINAL_COMMAND). Returns its exit status; *out and *err
 * (may be NULL) get the raw bytes, NUL-terminated (caller frees). */
int ws_run(const char *dir, const char *line, char **out, size_t *out_len, char **err);

/* A target on the folder root (a temporary folder that holds nothing of
 * Windows) with os Windows, whose run() hands the stand-in on state the
 * line win_cmdline(argv, true) and decodes what it prints with
 * win_text_utf8 in the code page `chcp` answered once when the target was
 * made. One such target at a time; target_free frees it. */
struct target *ws_target(const char *root, const char *state);

#endif
