/* sshd_assemble.h: a copy of an examined machine's sshd configuration,
 * assembled in a private folder on this machine so that this machine's
 * real sshd can judge it (`sshd -t`) without reading anything outside the
 * examined root: every file the configuration reads, as read through the
 * target (links resolved inside the root, planned bytes included), with
 * each Include line pointing at the copies of exactly the files it brought
 * in, and the host keys it names copied from the root (or, when the root
 * has none, a throwaway key). Line numbers are kept, so what sshd says
 * about a copy maps back to the root's file and line.
 *
 * Used twice: by the sshd fix to validate a planned configuration of a
 * mounted root before anything is written, and by the SSH checks as a
 * second opinion on our own reading. */
#ifndef ASR_SSHD_ASSEMBLE_H
#define ASR_SSHD_ASSEMBLE_H

#include "engine/sshd_config.h"
#include "engine/target/target.h"
#include "engine/util/util.h"

struct sshd_assembly {
	char *dir;             /* owned: the private folder (0700) on this machine */
	char *main;            /* owned: the copy of the main file */
	struct strvec copies;  /* host path of the copy of cfg->files[i] */
	struct strvec sources; /* the target path of cfg->files[i] */
	struct strvec keys;    /* host keys handed to sshd with -h */
	bool generated_key;    /* the root had no host key: a throwaway one */
};

/* Assembles cfg (loaded through t, with any overrides) into a new folder
 * under $TMPDIR (or /tmp). Returns 0, or -errno with *cause (caller frees)
 * when a file of the configuration was not read whole (an error of the
 * reader) or the folder cannot be written. Free with sshd_assembly_free,
 * which removes the folder. */
int sshd_assembly_build(const struct sshd_config *cfg, struct target *t, struct sshd_assembly *a,
			char **cause);
void sshd_assembly_free(struct sshd_assembly *a);

/* text with every copy's path replaced by the root path it stands for
 * (caller frees). */
char *sshd_assembly_unmap(const struct sshd_assembly *a, const char *text);

enum sshd_judgement {
	SSHD_JUDGED_ACCEPTS,   /* sshd -t exits 0 */
	SSHD_JUDGED_REFUSES,   /* sshd -t rejects the configuration */
	SSHD_JUDGED_CANNOT,    /* sshd could not judge it here (no program, no
				* privilege separation folder, no usable key) */
};

/* The sshd program on this machine, or NULL. */
const char *sshd_program_here(void);
/* The release of this machine's sshd (`sshd -V`), 0 when unknown. */
int sshd_release_here(const char *prog, int timeout_ms);

/* Runs `prog -t -f COPY -h KEY...` on the assembly. *command gets the
 * command line as it ran and *output what sshd printed (or why it did not
 * run), both with the copies' paths given as the root's (caller frees);
 * *status its exit status (-1 when it did not run or was killed). */
enum sshd_judgement sshd_assembly_judge(const struct sshd_assembly *a, const char *prog,
					int timeout_ms, char **command, char **output, int *status);

#endif
