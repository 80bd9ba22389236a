/* fuzz_replay.c: reading a saved report, `check --json` document or state
 * file back into a session (replay_load: JSON, schema, results, facts,
 * journal entries), against the built-in English article and bindings. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"
#include "engine/replay.h"
#include "engine/session.h"

FUZZ_DECLARE(replay);

int FUZZ_ENTRY(replay)(const uint8_t *data, size_t size)
{
	static struct doc *doc;
	char *cause = NULL;
	if (!doc && !(doc = doc_load_builtin("en", &cause)))
		fuzz_fail("built-in article: %s", cause);
	struct session *s = session_new(doc, NULL, &cause);
	if (!s)
		fuzz_fail("built-in bindings: %s", cause);
	char *json = fuzz_cstr(data, size);
	struct replay_info info;
	memset(&info, 0x5a, sizeof info); /* replay_load must fill or zero it */
	int rc = replay_load(json, s, &info, &cause);
	if (rc < 0) {
		if (!cause || !*cause)
			fuzz_fail("replay_load failed without saying why");
		free(cause);
	} else {
		target_free(replay_target(&info));
		if (info.nresults > s->nbindings)
			fuzz_fail("replay: %zu results stored for %zu checks", info.nresults,
				  s->nbindings);
	}
	replay_info_free(&info);
	session_free(s);
	doc_rollup(doc);
	free(json);
	return 0;
}
