/* test_doc.c: the article becomes the right tree (headings, anchors,
 * ErrorIDs, bodies, hashes) and bad documents fail with clear messages. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"
#include "doc_testlib.h"
#include "engine/util/msg.h"
#include "engine/render.h"
#include "engine/util/text.h"

#define ZH_PATH "content/article.zh-CN.md"
#define EN_PATH "content/article.en.md"

static struct doc *load(const char *path)
{
	return tl_load_doc(path);
}

static void count_levels(const struct doc *d, int *l1, int *l2, int *l3)
{
	*l1 = *l2 = *l3 = 0;
	for (size_t i = 0; i < d->nnodes; i++) {
		int l = d->nodes[i]->level;
		*l1 += l == 1;
		*l2 += l == 2;
		*l3 += l == 3;
	}
}

/* Counts ATX headings in the raw markdown, outside fenced code. */
static int raw_heading_count(const char *text)
{
	int count = 0;
	bool fence = false;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = p;
		while (*q == ' ' && q < p + len)
			q++;
		if (strncmp(q, "```", 3) == 0)
			fence = !fence;
		else if (!fence && *p == '#')
			count++;
		p = nl ? nl + 1 : p + len;
	}
	return count;
}

static void test_every_heading_is_a_node(void **state)
{
	(void)state;
	const char *paths[] = { ZH_PATH, EN_PATH };
	for (size_t k = 0; k < 2; k++) {
		struct doc *d = load(paths[k]);
		int l1, l2, l3;
		count_levels(d, &l1, &l2, &l3);
		assert_int_equal(l1, 1);
		assert_int_equal(l2, 22);
		assert_int_equal(l3, 17);
		char *raw = tu_read_file(paths[k], NULL);
		assert_int_equal((int)d->nnodes, raw_heading_count(raw));
		free(raw);
		assert_string_equal(d->root->anchor, "troubleshoot-mobility-service-push-installation");
		/* Every H3 hangs under an H2, every H2 under the root. */
		for (size_t i = 1; i < d->nnodes; i++) {
			const struct node *n = d->nodes[i];
			assert_non_null(n->parent);
			assert_int_equal(n->parent->level, n->level - 1);
			assert_true(n->hash[0] != '\0');
			assert_int_equal(strlen(n->hash), 12);
		}
		doc_free(d);
	}
}

struct id_case {
	unsigned id;
	const char *anchors[3];
};

static const struct id_case id_cases[] = {
	{ 95107, { "credentials-check-errorid-95107--95108" } },
	{ 95108, { "credentials-check-errorid-95107--95108" } },
	{ 95517, { "insufficient-privileges-failure-errorid-95517" } },
	{ 95518, { "insufficient-privileges-failure-errorid-95518" } },
	{ 95519, { "credentials-of-the-user-account-have-been-disabled-errorid-95519" } },
	{ 95520, { "credentials-locked-out-because-of-multiple-failed-login-attempts-errorid-95520" } },
	{ 95521, { "logon-servers-arent-available-on-the-source-machine-errorid-95521" } },
	{ 95522, { "logon-service-isnt-running-on-the-source-machine-errorid-95522" } },
	{ 95117, { "connectivity-failure-errorid-95117--97118" } },
	{ 97118, { "connectivity-failure-errorid-95117--97118" } },
	{ 95523,
	  { "connectivity-failure-errorid-95523",
	    "check-access-for-network-shared-folders-on-source-machine-errorid-9510595523" } },
	{ 95105,
	  { "check-access-for-network-shared-folders-on-source-machine-errorid-9510595523",
	    "file-and-printer-sharing-services-check-errorid-95105--95106" } },
	{ 95106, { "file-and-printer-sharing-services-check-errorid-95105--95106" } },
	{ 95103, { "windows-management-instrumentation-wmi-configuration-check-error-code-95103" } },
	{ 95309, { "boot-and-system-partitions--volumes-arent-the-same-disk-errorid-95309" } },
	{ 95310, { "the-boot-disk-isnt-available-errorid-95310" } },
	{ 95311, { "multiple-boot-disks-present-on-the-source-machine-errorid-95311" } },
	{ 95313, { "system-partition-on-multiple-disks-errorid-95313" } },
	{ 95320,
	  { "enable-protection-failed-as-device-name-mentioned-in-the-grub-configuration-instead-of-uuid-errorid-95320" } },
	{ 95265, { "install-mobility-service-completed-with-warning-to-reboot-errorid-95265--95266" } },
	{ 95266, { "install-mobility-service-completed-with-warning-to-reboot-errorid-95265--95266" } },
	{ 95524, { "insufficient-space-errorid-95524" } },
	{ 95572, { "low-system-resources" } },
	{ 95573, { "low-system-resources" } },
};

static void check_ids(struct doc *d)
{
	for (size_t i = 0; i < ARRAY_LEN(id_cases); i++) {
		const struct id_case *c = &id_cases[i];
		struct node *out[8];
		size_t want = 0;
		while (want < 3 && c->anchors[want])
			want++;
		size_t got = doc_find_id(d, c->id, out, 8);
		if (got != want)
			print_error("ErrorID %u: %zu nodes, expected %zu\n", c->id, got, want);
		assert_int_equal(got, want);
		for (size_t k = 0; k < want; k++)
			assert_string_equal(out[k]->anchor, c->anchors[k]);
		/* The same through what a user types. */
		char typed[16];
		snprintf(typed, sizeof typed, "%u", c->id);
		assert_int_equal(doc_resolve(d, typed, out, 8), want);
	}
}

static void test_error_ids_resolve(void **state)
{
	(void)state;
	struct doc *zh = load(ZH_PATH), *en = load(EN_PATH);
	check_ids(zh);
	check_ids(en);
	struct node *out[4];
	assert_int_equal(doc_find_id(zh, 12345, out, 4), 0);
	assert_int_equal(doc_resolve(zh, "no-such-anchor", out, 4), 0);
	assert_int_equal(doc_resolve(zh, "#how-to-fix", out, 4), 1);
	assert_string_equal(out[0]->parent->anchor,
			    "enable-protection-failed-as-device-name-mentioned-in-the-grub-configuration-instead-of-uuid-errorid-95320");
	/* A parent listing its children's IDs still names them itself. */
	struct node *login = doc_find_anchor(zh, "login-failures-errorid-95519-95520-95521-95522");
	assert_non_null(login);
	assert_int_equal(login->nids, 4);
	/* Installer codes in VSS titles are kept for log matching. */
	struct node *v = doc_find_anchor(en, "vss-error--2147023170-0x800706be---exit-code-511");
	assert_non_null(v);
	assert_true(sv_contains(&v->codes, "0x800706BE"));
	assert_true(sv_contains(&v->codes, "exit 511"));
	assert_int_equal(v->nids, 0);
	doc_free(zh);
	doc_free(en);
}

/* Independent of the parser: the backtick spans and fenced blocks of each
 * section, scanned from the raw file, must all be in that node's body. */
static void check_code_present(const char *path)
{
	struct doc *d = load(path);
	char *raw = tu_read_file(path, NULL);
	const char *anchor = NULL;
	struct node *cur = NULL;
	bool fence = false;
	int checked = 0;
	char *save = NULL;
	for (char *line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t = line;
		while (*t == ' ')
			t++;
		if (!fence && line[0] == '#') {
			char *a = strstr(line, "name=\"");
			assert_non_null(a);
			a += 6;
			*strchr(a, '"') = '\0';
			anchor = a;
			cur = doc_find_anchor(d, anchor);
			assert_non_null(cur);
			continue;
		}
		if (strncmp(t, "```", 3) == 0) {
			fence = !fence;
			continue;
		}
		if (!cur)
			continue;
		if (fence) {
			if (*t) {
				if (!strstr(cur->text, t))
					print_error("%s: code line '%s' missing from #%s\n", path, t, anchor);
				assert_non_null(strstr(cur->text, t));
				checked++;
			}
			continue;
		}
		for (char *p = strchr(t, '`'); p; p = strchr(p, '`')) {
			char *e = strchr(p + 1, '`');
			if (!e)
				break;
			char *code = xstrndup(p + 1, (size_t)(e - p - 1));
			if (!strstr(cur->text, code))
				print_error("%s: code '%s' missing from #%s\n", path, code, anchor);
			assert_non_null(strstr(cur->text, code));
			free(code);
			checked++;
			p = e + 1;
		}
	}
	assert_true(checked >= 40);
	free(raw);
	doc_free(d);
}

static void test_code_and_commands_present(void **state)
{
	(void)state;
	check_code_present(ZH_PATH);
	check_code_present(EN_PATH);
}

static void test_languages_share_anchors(void **state)
{
	(void)state;
	struct doc *zh = load(ZH_PATH), *en = load(EN_PATH);
	assert_int_equal(zh->nnodes, en->nnodes);
	for (size_t i = 0; i < zh->nnodes; i++) {
		assert_string_equal(zh->nodes[i]->anchor, en->nodes[i]->anchor);
		assert_int_equal(zh->nodes[i]->level, en->nodes[i]->level);
		assert_int_equal(zh->nodes[i]->nids, en->nodes[i]->nids);
	}
	doc_free(zh);
	doc_free(en);
}

static void test_front_matter_and_body(void **state)
{
	(void)state;
	struct doc *d = load(ZH_PATH);
	assert_string_equal(d->date, "04/03/2020");
	assert_string_equal(d->lang, "zh-CN");
	assert_true(str_starts(d->title, "使用 Azure Site Recovery"));
	/* Front matter is not body text. */
	assert_null(strstr(d->root->text, "ms.author"));
	assert_int_equal(d->root->line, 17);

	/* The GRUB fix has an ordered list whose first item holds a shell block. */
	struct node *fix = doc_find_anchor(d, "how-to-fix");
	assert_non_null(fix);
	const struct block *list = NULL;
	for (size_t i = 0; i < fix->nbody; i++)
		if (fix->body[i].kind == BLK_LIST)
			list = &fix->body[i];
	assert_non_null(list);
	assert_true(list->ordered);
	assert_int_equal(list->nkids, 3);
	const struct block *item = &list->kids[0];
	bool shell = false;
	for (size_t i = 0; i < item->nkids; i++)
		if (item->kids[i].kind == BLK_CODE && strcmp(item->kids[i].info, "shell") == 0)
			shell = strstr(item->kids[i].code, "blkid /dev/sda1\n") != NULL;
	assert_true(shell);

	/* Call-outs: NOTE inside a list item, IMPORTANT and TIP at top level. */
	struct node *reboot = doc_find_id(d, 95265, &fix, 1) ? fix : NULL;
	assert_non_null(reboot);
	int important = 0, tip = 0;
	for (size_t i = 0; i < reboot->nbody; i++)
		if (reboot->body[i].kind == BLK_CALLOUT) {
			important += reboot->body[i].callout == CALLOUT_IMPORTANT;
			tip += reboot->body[i].callout == CALLOUT_TIP;
			/* The marker itself is gone from the text. */
			assert_null(strstr(reboot->body[i].kids[0].spans[0].text, "[!"));
		}
	assert_int_equal(important, 1);
	assert_int_equal(tip, 1);

	/* Links become absolute; images keep their alt text. */
	struct node *share = doc_find_anchor(d, "check-access-for-network-shared-folders-on-source-machine-errorid-9510595523");
	assert_non_null(strstr(share->text, "在 PS 中打开文件夹"));
	struct node *cred = doc_find_anchor(d, "credentials-check-errorid-95107--95108");
	assert_int_equal(cred->links.n, 1);
	assert_string_equal(cred->links.v[0],
			    "https://learn.microsoft.com/zh-cn/azure/site-recovery/vmware-azure-manage-configuration-server#modify-credentials-for-mobility-service-installation");
	doc_free(d);
}

static void expect_error(const char *text, size_t len, const char *want)
{
	char *cause = NULL;
	struct doc *d = doc_parse(text, len, "bad.md", &cause);
	assert_null(d);
	assert_non_null(cause);
	if (!strstr(cause, want))
		print_error("cause '%s' lacks '%s'\n", cause, want);
	assert_non_null(strstr(cause, "bad.md"));
	assert_non_null(strstr(cause, want));
	free(cause);
}

static void test_bad_documents(void **state)
{
	(void)state;
	expect_error("", 0, "empty");
	expect_error("  \n\n\t\n", 6, "empty");
	expect_error("# a\0b", 5, "binary");
	expect_error("# caf\xe9\n", 7, "UTF-8");
	expect_error("just text\nno headings\n", 22, "no headings");
	expect_error("---\ntitle: x\n---\n", 17, "no headings");
	char *cause = NULL;
	assert_null(doc_load_file("/nonexistent/article.md", &cause));
	assert_non_null(strstr(cause, "/nonexistent/article.md"));
	free(cause);
	/* Headings out of order still give a tree, never a crash. */
	const char *odd = "### orphan\n\ntext\n\n# Title\n\n### under root\n\n## Two\n\n#### deep\n\nbody\n";
	struct doc *d = doc_parse(odd, strlen(odd), "odd.md", &cause);
	assert_non_null(d);
	assert_int_equal(d->root->level, 1);
	for (size_t i = 1; i < d->nnodes; i++)
		assert_int_equal(d->nodes[i]->parent->level, d->nodes[i]->level - 1);
	doc_free(d);
	/* An anchor in a paragraph does not rename the section. */
	const char *para = "# T\n\n<a name=\"x\"></a> text\n\n## <a name=\"real\"></a>Two\n\nbody <a name=\"y\"></a>\n";
	d = doc_parse(para, strlen(para), "para.md", &cause);
	assert_non_null(d);
	assert_string_equal(d->root->anchor, "t");
	assert_string_equal(d->nodes[1]->anchor, "real");
	doc_free(d);
}

static void test_section_hash(void **state)
{
	(void)state;
	const char *a = "# T\n\n## One\n\nalpha\n\n## Two\n\nbeta\n";
	const char *b = "# T\n\n## One\n\nalpha\n\n## Two\n\nbeta changed\n";
	const char *c = "# T\r\n\r\n## One\r\n\r\nalpha   \r\n\r\n## Two\r\n\r\nbeta\r\n";
	char *cause;
	struct doc *da = doc_parse(a, strlen(a), "a", &cause);
	struct doc *db = doc_parse(b, strlen(b), "b", &cause);
	struct doc *dc = doc_parse(c, strlen(c), "c", &cause);
	assert_string_equal(da->nodes[1]->hash, db->nodes[1]->hash);
	assert_string_not_equal(da->nodes[2]->hash, db->nodes[2]->hash);
	/* Line endings and trailing blanks are not edits. */
	for (size_t i = 0; i < da->nnodes; i++)
		assert_string_equal(da->nodes[i]->hash, dc->nodes[i]->hash);
	assert_string_equal(dc->nodes[1]->title, "One");
	doc_free(da);
	doc_free(db);
	doc_free(dc);
}

static void test_search_and_rollup(void **state)
{
	(void)state;
	struct doc *d = load(EN_PATH);
	struct node *n = doc_search(d, "LocalAccountTokenFilterPolicy", 0, 1);
	assert_non_null(n);
	assert_string_equal(n->anchor, "credentials-check-errorid-95107--95108");
	/* Search by ErrorID text and wrap-around in both directions. */
	n = doc_search(d, "95320", 0, 1);
	assert_non_null(n);
	assert_int_equal(n->level, 2);
	struct node *back = doc_search(d, "95320", 0, -1);
	assert_ptr_equal(back, n);
	assert_null(doc_search(d, "zzzz-not-there", 0, 1));
	/* Case-insensitive. */
	assert_non_null(doc_search(d, "passwordauthentication", 0, 1));

	struct sbuf crumb = { 0 };
	node_breadcrumb(doc_find_anchor(d, "how-to-fix"), &crumb, " > ");
	assert_true(str_ends(sb_str(&crumb), "> How to fix"));
	sb_free(&crumb);

	struct node *fix = doc_find_anchor(d, "how-to-fix");
	fix->own = STATUS_FAIL;
	doc_find_anchor(d, "possible-cause")->own = STATUS_PASS;
	doc_find_anchor(d, "insufficient-space-errorid-95524")->own = STATUS_WARN;
	doc_rollup(d);
	assert_int_equal(fix->parent->rolled, STATUS_FAIL);
	assert_int_equal(d->root->rolled, STATUS_FAIL);
	assert_int_equal(doc_find_anchor(d, "insufficient-space-errorid-95524")->rolled, STATUS_WARN);
	assert_int_equal(doc_find_anchor(d, "next-steps")->rolled, STATUS_NONE);
	doc_free(d);
}

/* Every "#anchor" link of an article leads to a node (tab links name a
 * tab, not a section). Returns how many were checked. */
static size_t check_links_resolve(const struct doc *d)
{
	size_t checked = 0;
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct strvec *l = &d->nodes[i]->links;
		for (size_t k = 0; k < l->n; k++) {
			if (l->v[k][0] != '#' || str_starts(l->v[k], "#tab/"))
				continue;
			if (!doc_find_anchor(d, l->v[k] + 1))
				print_error("%s: link %s leads nowhere\n", d->name, l->v[k]);
			assert_non_null(doc_find_anchor(d, l->v[k] + 1));
			checked++;
		}
	}
	return checked;
}

/* The table of contents of each edition leads to its sections: with
 * <a name> tags (2019, 2020) and without them, by the identifiers Docs
 * makes (2025, where "95107 & 95108" gives a double dash). */
static void test_in_article_links_resolve(void **state)
{
	(void)state;
	const char *paths[] = { ZH_PATH, EN_PATH, EN2025_PATH };
	for (size_t p = 0; p < ARRAY_LEN(paths); p++) {
		struct doc *d = load(paths[p]);
		assert_true(check_links_resolve(d) >= 11);
		doc_free(d);
	}
	struct doc *d = load(EN2025_PATH);
	struct node *n = doc_find_anchor(d, "credentials-check-errorid-95107--95108");
	assert_non_null(n);
	assert_string_equal(n->title, "Credentials check (ErrorID: 95107 & 95108)");
	assert_non_null(doc_find_anchor(d, "vss-error---0x8004e00f"));
	assert_non_null(doc_find_anchor(d, "vss-error--2147023170-0x800706be---exit-code-511"));
	doc_free(d);
}

/* A heading with an <a name> is also reached by its Docs identifier, a
 * deeper heading leads to its section, and repeated titles are numbered
 * in document order like Docs does, deeper headings counted. */
static void test_docs_identifiers(void **state)
{
	(void)state;
	struct doc *d = load(EN_PATH);
	struct node *n = doc_find_anchor(d, "credentials-check-errorid-95107-and-95108");
	assert_non_null(n);
	assert_string_equal(n->anchor, "credentials-check-errorid-95107--95108");
	doc_free(d);
	const char *md = "# Guide\n\n## Cause\n\n#### Details\n\n## Cause\n\n### Details\n\n"
			 "## <a name=\"fix\"></a>Fix it\n\nSee [the cause](#cause-1) and [this](#details).\n";
	d = tl_parse_doc(md, "dup.md");
	assert_int_equal(d->nnodes, 5);
	assert_string_equal(d->nodes[1]->anchor, "cause");
	assert_string_equal(d->nodes[2]->anchor, "cause-1");
	assert_string_equal(d->nodes[3]->anchor, "details-1");
	assert_ptr_equal(doc_find_anchor(d, "details"), d->nodes[1]);
	assert_ptr_equal(doc_find_anchor(d, "fix"), d->nodes[4]);
	assert_ptr_equal(doc_find_anchor(d, "fix-it"), d->nodes[4]);
	assert_int_equal(check_links_resolve(d), 2);
	doc_free(d);
}

/* Docs tab groups ("# [Linux](#tab/linux)" ... "---") belong to the
 * section they stand in: each tab a child titled by its label, and the
 * headings after the group nest as before it. */
static void test_tab_groups(void **state)
{
	(void)state;
	struct doc *d = load(EN2025_PATH);
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct node *n = d->nodes[i];
		/* No tab is read as a section of its own. */
		if (n->level == 2)
			assert_false(n->tab || strcmp(n->title, "Linux") == 0 ||
				     str_starts(n->title, "ErrorID"));
	}
	struct node *conn = doc_find_anchor(d, "connectivity-failures");
	assert_non_null(conn);
	assert_int_equal(conn->level, 2);
	assert_int_equal(conn->nkids, 3);
	assert_true(conn->kids[0]->tab && conn->kids[1]->tab && !conn->kids[2]->tab);
	assert_string_equal(conn->kids[0]->title, "ErrorID: 95117 & 97118");
	assert_string_equal(conn->kids[1]->title, "ErrorID: 95523");
	assert_string_equal(conn->kids[1]->anchor, "connectivity-failures/tab/95523");
	assert_int_equal(conn->kids[1]->level, 3);
	/* The heading after the group's "---" is the section's, not the
	 * last tab's. */
	assert_true(str_starts(conn->kids[2]->title, "Check access for network shared folders"));
	assert_int_equal(conn->kids[2]->level, 3);
	assert_int_equal(conn->kids[1]->nkids, 0);
	struct node *found[4];
	assert_int_equal(doc_find_id(d, 95523, found, 4), 2);
	assert_ptr_equal(found[0], conn->kids[1]);
	assert_ptr_equal(found[1], conn->kids[2]);

	/* A tab's body holds its steps; text after "---" is the section's,
	 * and the "---" itself is not shown. */
	struct node *cred = doc_find_anchor(d, "credentials-check-errorid-95107--95108");
	assert_int_equal(cred->nkids, 2);
	struct node *linux_tab = doc_find_anchor(d, "credentials-check-errorid-95107--95108/tab/linux");
	assert_ptr_equal(linux_tab, cred->kids[1]);
	assert_true(node_has_id(linux_tab, 95108) && !node_has_id(linux_tab, 95107));
	assert_true(node_has_id(cred->kids[0], 95107));
	bool list = false;
	for (size_t i = 0; i < linux_tab->nbody; i++)
		list |= linux_tab->body[i].kind == BLK_LIST && linux_tab->body[i].nkids == 4;
	assert_true(list);
	for (size_t i = 0; i < cred->nbody; i++)
		assert_int_not_equal(cred->body[i].kind, BLK_RULE);
	assert_non_null(strstr(cred->text, "If you wish to modify the credentials"));
	assert_null(strstr(linux_tab->text, "If you wish to modify the credentials"));
	doc_free(d);

	/* Headings inside a tab are the tab's (Docs ends a group only at
	 * "---" or the end); a condition and repeated IDs keep anchors apart;
	 * a heading linking elsewhere is an ordinary heading. */
	const char *md = "# G\n\n## S\n\n# [A](#tab/a)\n\n## Inside\n\ntext\n\n# [B](#tab/b/cond)\n\nb\n\n---\n\n"
			 "### After\n\n# [A again](#tab/a)\n\nsecond group\n\n---\n\n## [Linux](#linux)\n\n"
			 "# [X](#tab/x)\n\n---\n\nmiddle\n\n# [X](#tab/x)\n\n---\n\n"
			 "# [Bad](#tab/a.b)\n\n# [T](#tab/t)\n\n## Swallowed\n";
	d = tl_parse_doc(md, "tabs.md");
	struct node *sec = doc_find_anchor(d, "s");
	assert_non_null(sec);
	assert_int_equal(sec->nkids, 3);
	assert_string_equal(sec->kids[0]->anchor, "s/tab/a");
	assert_string_equal(sec->kids[1]->anchor, "s/tab/b/cond");
	assert_string_equal(sec->kids[2]->title, "After");
	assert_ptr_equal(doc_find_anchor(d, "inside"), sec->kids[0]);
	assert_int_equal(sec->kids[0]->body[0].kind, BLK_HEADING);
	/* A group under an H3 makes tabs one level below it. */
	struct node *after = sec->kids[2];
	assert_int_equal(after->nkids, 1);
	assert_string_equal(after->kids[0]->anchor, "after/tab/a");
	assert_string_equal(after->kids[0]->title, "A again");
	assert_int_equal(after->kids[0]->level, 4);
	struct node *lin = doc_find_anchor(d, "linux");
	assert_non_null(lin);
	assert_false(lin->tab);
	assert_int_equal(lin->level, 2);
	assert_int_equal(lin->nkids, 2);
	assert_string_equal(lin->kids[0]->anchor, "linux/tab/x");
	assert_string_equal(lin->kids[1]->anchor, "linux/tab/x-1");
	assert_non_null(doc_find_anchor(d, "bad"));
	struct node *t = doc_find_anchor(d, "bad/tab/t");
	assert_non_null(t);
	assert_ptr_equal(doc_find_anchor(d, "swallowed"), t);
	doc_free(d);
}

/* The whole rendered text of node n, lines joined with newlines. */
static char *render_all(const struct doc *d, const struct node *n, int width)
{
	struct render_opts o = { .width = width, .utf8 = true, .wrap_code = true, .show_meta = true };
	struct rpage pg = { 0 };
	render_node(&pg, d, n, &o);
	struct sbuf b = { 0 };
	for (size_t l = 0; l < pg.nlines; l++) {
		char *t = rline_text(&pg.lines[l]);
		sb_add(&b, t);
		sb_addc(&b, '\n');
		free(t);
	}
	rpage_free(&pg);
	return sb_steal(&b);
}

/* ":::image:::" shows its alt text, and no ":::" directive leaks into
 * what any edition shows. */
static void test_docs_images(void **state)
{
	(void)state;
	const char *paths[] = { ZH_PATH, EN_PATH, EN2025_PATH, ZHTW_PATH, KOKR_PATH };
	for (size_t p = 0; p < ARRAY_LEN(paths); p++) {
		struct doc *d = load(paths[p]);
		for (size_t i = 0; i < d->nnodes; i++) {
			char *t = render_all(d, d->nodes[i], 1000);
			if (strstr(t, ":::"))
				print_error("%s: %s shows %s\n", paths[p], d->nodes[i]->anchor, t);
			assert_null(strstr(t, ":::"));
			free(t);
		}
		doc_free(d);
	}
	msg_set_lang(LANG_EN);
	struct doc *d = load(EN2025_PATH);
	char *t = render_all(d, doc_find_anchor(d, "possible-cause"), 1000);
	assert_non_null(strstr(t, "\n[Image: Screenshot of the GRUB configuration file with the device names in the root and resume parameters.]\n"));
	free(t);
	doc_free(d);
	msg_set_lang(LANG_ZH);
	d = load(ZHTW_PATH);
	t = render_all(d, doc_find_anchor(d, "enable-protection-failed-as-device-name-mentioned-in-the-grub-configuration-instead-of-uuid-errorid-95320"), 1000);
	assert_non_null(strstr(t, "[图片: GRUB 設定檔中的 root 與 resume 參數使用裝置名稱的螢幕擷取畫面。]"));
	free(t);
	doc_free(d);
	msg_set_lang(LANG_EN);
	/* A complex image: its alt text, not its long description or end. */
	const char *md = "# T\n\n## S\n\n:::image type=\"complex\" source=\"a.png\" alt-text=\"Short alt.\":::\n"
			 "   A long description for screen readers.\n:::image-end:::\n\nAfter.\n";
	d = tl_parse_doc(md, "complex.md");
	t = render_all(d, d->nodes[1], 80);
	assert_non_null(strstr(t, "[Image: Short alt.]\n\nAfter.\n"));
	assert_null(strstr(t, "long description"));
	free(t);
	doc_free(d);
}

/* Every relative link of an edition points at its own locale: zh-tw is
 * not zh-cn, ko-kr (from the file name) is not en-us. */
static void test_links_in_edition_locale(void **state)
{
	(void)state;
	const struct {
		const char *path, *locale, *lang;
	} eds[] = {
		{ ZH_PATH, "zh-cn", "zh-CN" }, { EN2025_PATH, "en-us", "" },
		{ ZHTW_PATH, "zh-tw", "zh-TW" }, { KOKR_PATH, "ko-kr", "ko-KR" },
	};
	for (size_t e = 0; e < ARRAY_LEN(eds); e++) {
		struct doc *d = load(eds[e].path);
		assert_string_equal(d->locale, eds[e].locale);
		assert_string_equal(d->lang, eds[e].lang);
		char *own = xasprintf("https://learn.microsoft.com/%s/", eds[e].locale);
		size_t relative = 0;
		for (size_t i = 0; i < d->nnodes; i++)
			for (size_t k = 0; k < d->nodes[i]->links.n; k++) {
				const char *l = d->nodes[i]->links.v[k];
				if (!str_starts(l, "https://learn.microsoft.com/"))
					continue;
				if (!str_starts(l, own))
					print_error("%s: %s\n", eds[e].path, l);
				assert_true(str_starts(l, own));
				relative++;
			}
		assert_true(relative >= 2);
		free(own);
		doc_free(d);
	}
}

/* Lines of text wrapped at width, the prefix-free plain text of each. */
static void wrap_lines(const char *text, int width, struct strvec *out)
{
	struct render_opts o = { .width = width, .utf8 = true };
	struct rpage pg = { 0 };
	render_text(&pg, text, 0, "", "", &o);
	for (size_t l = 0; l < pg.nlines; l++)
		sv_take(out, rline_text(&pg.lines[l]));
	rpage_free(&pg);
}

/* Korean wraps at spaces like English (joining the lines with spaces gives
 * the text back); Chinese and Japanese wrap at any character, so their
 * lines are filled. */
static void test_wrap_by_script(void **state)
{
	(void)state;
	struct doc *d = load(KOKR_PATH);
	const struct block *para = &d->root->body[0];
	assert_int_equal(para->kind, BLK_PARA);
	const char *ko = para->spans[0].text;
	assert_true(str_starts(ko, "모바일 서비스 설치는"));
	for (int width = 14; width <= 80; width += 3) {
		struct strvec lines = { 0 };
		wrap_lines(ko, width, &lines);
		assert_true(lines.n >= 2);
		struct sbuf joined = { 0 };
		for (size_t i = 0; i < lines.n; i++) {
			assert_true(text_width(lines.v[i]) <= (size_t)width);
			sb_printf(&joined, "%s%s", i ? " " : "", lines.v[i]);
		}
		if (strcmp(sb_str(&joined), ko) != 0)
			print_error("width %d: a Korean word was split:\n%s\n", width, sb_str(&joined));
		assert_string_equal(sb_str(&joined), ko);
		sb_free(&joined);
		sv_free(&lines);
	}
	doc_free(d);
	const char *cjk[] = {
		"安装移动服务是启用复制的一个关键步骤。此步骤的成功取决于能否满足先决条件并使用受支持的配置。",
		"モビリティサービスのインストールは、レプリケーションを有効にするための重要なステップです。",
	};
	for (size_t c = 0; c < ARRAY_LEN(cjk); c++)
		for (int width = 14; width <= 40; width += 5) {
			struct strvec lines = { 0 };
			wrap_lines(cjk[c], width, &lines);
			assert_true(lines.n >= 2);
			struct sbuf joined = { 0 };
			for (size_t i = 0; i < lines.n; i++) {
				/* Filled but for a carried closing mark. */
				if (i + 1 < lines.n)
					assert_true(text_width(lines.v[i]) + 4 >= (size_t)width);
				sb_add(&joined, lines.v[i]);
			}
			assert_string_equal(sb_str(&joined), cjk[c]);
			sb_free(&joined);
			sv_free(&lines);
		}
}

static void test_render_wraps_by_columns(void **state)
{
	(void)state;
	msg_set_lang(LANG_ZH);
	struct doc *d = load(ZH_PATH);
	for (int width = 20; width <= 100; width += 13) {
		struct render_opts o = { .width = width, .utf8 = true, .wrap_code = true, .show_meta = true };
		for (size_t i = 0; i < d->nnodes; i++) {
			struct rpage pg = { 0 };
			render_node(&pg, d, d->nodes[i], &o);
			for (size_t l = 0; l < pg.nlines; l++) {
				char *t = rline_text(&pg.lines[l]);
				if (text_width(t) > (size_t)width)
					print_error("width %d: line too wide: '%s'\n", width, t);
				assert_true(text_width(t) <= (size_t)width);
				assert_true(pg.lines[l].cols <= (size_t)width);
				/* Chinese closing punctuation never starts a line. */
				const char *s = t;
				while (*s == ' ')
					s++;
				if (str_starts(s, "，") || str_starts(s, "。"))
					print_error("width %d: %s\n", width, t);
				assert_false(str_starts(s, "，") || str_starts(s, "。"));
				free(t);
			}
			rpage_free(&pg);
		}
	}
	doc_free(d);
	msg_set_lang(LANG_EN);
}

static void test_text_columns(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("排查"), 4);
	assert_int_equal(text_width("a排b"), 4);
	size_t used;
	/* A wide character never splits: 3 columns hold "a" and one CJK. */
	assert_int_equal(text_fit("a排查", 4, &used), 4);
	assert_int_equal(used, 3);
	char *t = text_truncate("排查移动服务", 5, "~");
	assert_string_equal(t, "排查~");
	free(t);
	/* Half a wide character is padded, so the mark lands in the last column. */
	t = text_truncate("排查移动服务", 6, "~");
	assert_string_equal(t, "排查 ~");
	free(t);
	t = text_truncate("short", 10, "~");
	assert_string_equal(t, "short");
	free(t);
	uint32_t cp;
	assert_int_equal(utf8_decode("\xff", 1, &cp), 1);
	assert_int_equal(cp, UTF8_INVALID);
	assert_int_equal(utf8_decode("\xe6\x8e", 2, &cp), 1);
	assert_int_equal(cp, UTF8_INVALID);
}

/* Fits a node's title in cols columns and checks the width and that the
 * result holds want. */
static void fits(const struct doc *d, const char *anchor, size_t cols, const char *want)
{
	struct node *n = doc_find_anchor(d, anchor);
	assert_non_null(n);
	char *t = node_title_fit(n, cols, "~");
	if (!strstr(t, want) || text_width(t) > cols)
		print_error("%zu columns: \"%s\" (want \"%s\")\n", cols, t, want);
	assert_non_null(strstr(t, want));
	assert_true(text_width(t) <= cols);
	free(t);
}

static void test_title_fit_keeps_error_ids(void **state)
{
	(void)state;
	struct doc *en = load(EN_PATH), *zh = load(ZH_PATH);
	const char *creds = "credentials-check-errorid-95107--95108";
	fits(en, creds, 200, "Credentials check (ErrorID: 95107 and 95108)");
	/* The words are cut, the list stays whole. */
	fits(en, creds, 36, "Cred");
	fits(en, creds, 36, "~ (ErrorID: 95107 and 95108)");
	fits(en, "insufficient-privileges-failure-errorid-95517", 30, "~ (ErrorID: 95517)");
	fits(en, "insufficient-privileges-failure-errorid-95518", 30, "~ (ErrorID: 95518)");
	/* Too narrow for the list: the IDs alone. */
	fits(en, "login-failures-errorid-95519-95520-95521-95522", 30, "95519 95520 95521 95522");
	fits(en, "login-failures-errorid-95519-95520-95521-95522", 28, "Log~ 95519 95520 95521 95522");
	fits(en, "insufficient-privileges-failure-errorid-95517", 12, "Insuf~ 95517");
	/* Full-width parentheses, wide characters counted twice. */
	fits(zh, creds, 32, "凭据~（ErrorID：95107 和 95108）");
	fits(zh, creds, 24, "凭据检查 95107 95108");
	fits(zh, "insufficient-privileges-failure-errorid-95518", 23, "（ErrorID：95518）");
	/* A title without codes is cut as before. */
	fits(en, "next-steps", 7, "Next s~");
	doc_free(en);
	doc_free(zh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_heading_is_a_node),
		cmocka_unit_test(test_error_ids_resolve),
		cmocka_unit_test(test_code_and_commands_present),
		cmocka_unit_test(test_languages_share_anchors),
		cmocka_unit_test(test_front_matter_and_body),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_section_hash),
		cmocka_unit_test(test_search_and_rollup),
		cmocka_unit_test(test_in_article_links_resolve),
		cmocka_unit_test(test_docs_identifiers),
		cmocka_unit_test(test_tab_groups),
		cmocka_unit_test(test_docs_images),
		cmocka_unit_test(test_links_in_edition_locale),
		cmocka_unit_test(test_wrap_by_script),
		cmocka_unit_test(test_render_wraps_by_columns),
		cmocka_unit_test(test_text_columns),
		cmocka_unit_test(test_title_fit_keeps_error_ids),
	};
	return cmocka_run_group_tests_name("doc", tests, NULL, NULL);
}
