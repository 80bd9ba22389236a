/* cmd_wizard.c: starts the TUI (placeholder until tui/ lands). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_wizard(struct options *o)
{
	(void)o;
	cli_error("the wizard is not built yet");
	return 2;
}
