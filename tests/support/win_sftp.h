/* win_sftp.h: the stand-in's SFTP server with Windows paths (see
 * win_sftp.c). */
#ifndef ASR_WIN_SFTP_H
#define ASR_WIN_SFTP_H

/* Serves SFTP on standard input and output until the client ends: the
 * real server program `server` (OpenSSH's sftp-server) on the files of
 * fs_dir, whose folders are the drives ("C:"), the client's paths read and
 * answered as a Windows OpenSSH server's ("/C:/ProgramData"), a relative
 * one under /C:/Users/USER. Returns the exit status for the stand-in. */
int win_sftp_serve(const char *server, const char *fs_dir, const char *user);

#endif
