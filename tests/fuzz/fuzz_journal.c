/* fuzz_journal.c: the change journal read back (journal_list on a folder
 * whose journal.jsonl holds the input: started, finished and guard
 * records, torn lines), and the lookups `undo` and `history` make. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/change/journal.h"

FUZZ_DECLARE(journal);

int FUZZ_ENTRY(journal)(const uint8_t *data, size_t size)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/journal", fuzz_tmpdir());
	fuzz_write(dir, "journal.jsonl", data, size);
	struct journal *j = NULL;
	char *cause = NULL;
	int rc = journal_list(dir, &j, &cause);
	if (rc < 0) {
		if (!cause || !*cause)
			fuzz_fail("journal_list failed (%d) without saying why", rc);
		free(cause);
		return 0;
	}
	for (size_t i = 0; i < j->n; i++) {
		const struct journal_entry *e = &j->entries[i];
		if (!e->id)
			fuzz_fail("journal: entry %zu has no id", i);
		if (journal_get(j, e->id) == NULL)
			fuzz_fail("journal: entry '%s' read but not found", e->id);
		journal_outcome_text(e->outcome);
		journal_outcome_name(e->outcome);
	}
	journal_get(j, "latest");
	journal_get(j, NULL);
	journal_guard_waiting(j);
	journal_close(j);
	return 0;
}
