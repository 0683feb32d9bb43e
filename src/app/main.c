/* trunkd entry point (placeholder until the app wiring lands). */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "trunkd: not wired yet\n");
	return 1;
}
