/* Deny list digit trie; see deny.h. */
#include "policy/deny.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "base/mem.h"

#define MAX_DIGITS 15

struct node {
	uint32_t child[10]; /* index of the child node, 0 = none */
	uint8_t kind;	    /* enum deny_kind bits ending here */
};

struct deny {
	struct node *nodes; /* owned; nodes[0] is the root */
	size_t n, cap;
	size_t entries;
};

static void deny_destroy(void *arg)
{
	struct deny *d = arg;

	mem_deref(d->nodes);
}

int deny_alloc(struct deny **dp)
{
	struct deny *d;

	if (!dp)
		return EINVAL;
	d = mem_zalloc(sizeof(*d), deny_destroy);
	if (!d)
		return ENOMEM;
	d->nodes = mem_zalloc(16 * sizeof(*d->nodes), NULL);
	if (!d->nodes) {
		mem_deref(d);
		return ENOMEM;
	}
	d->cap = 16;
	d->n = 1;
	*dp = d;
	return 0;
}

static void strip_plus(struct pl *p)
{
	if (p->l && p->p[0] == '+') {
		p->p++;
		p->l--;
	}
}

int deny_add(struct deny *d, const struct pl *digits, enum deny_kind kind)
{
	struct pl p;
	uint32_t cur = 0;
	size_t i;

	if (!d || !digits || !digits->p ||
	    (kind != DENY_EXACT && kind != DENY_PREFIX))
		return EINVAL;
	p = *digits;
	strip_plus(&p);
	if (!p.l || p.l > MAX_DIGITS)
		return EINVAL;
	for (i = 0; i < p.l; i++)
		if (p.p[i] < '0' || p.p[i] > '9')
			return EINVAL;
	/* room for the worst case first, so a failure changes nothing */
	if (d->n + p.l > d->cap) {
		size_t ncap = d->cap * 2;
		struct node *nn;

		while (ncap < d->n + p.l)
			ncap *= 2;
		nn = mem_realloc(d->nodes, ncap * sizeof(*nn));
		if (!nn)
			return ENOMEM;
		memset(nn + d->cap, 0, (ncap - d->cap) * sizeof(*nn));
		d->nodes = nn;
		d->cap = ncap;
	}
	for (i = 0; i < p.l; i++) {
		int c = p.p[i] - '0';

		if (!d->nodes[cur].child[c])
			d->nodes[cur].child[c] = (uint32_t)d->n++;
		cur = d->nodes[cur].child[c];
	}
	if (!(d->nodes[cur].kind & kind))
		d->entries++;
	d->nodes[cur].kind |= (uint8_t)kind;
	return 0;
}

bool deny_match(const struct deny *d, const struct pl *num)
{
	struct pl p;
	uint32_t cur = 0;
	size_t i;

	if (!d || !num || !num->p)
		return false;
	p = *num;
	strip_plus(&p);
	if (!p.l || p.l > MAX_DIGITS)
		return false;
	for (i = 0; i < p.l; i++) {
		if (p.p[i] < '0' || p.p[i] > '9')
			return false;
	}
	for (i = 0; i < p.l; i++) {
		cur = d->nodes[cur].child[p.p[i] - '0'];
		if (!cur)
			return false;
		if (d->nodes[cur].kind & DENY_PREFIX)
			return true;
	}
	return (d->nodes[cur].kind & DENY_EXACT) != 0;
}

size_t deny_count(const struct deny *d)
{
	return d ? d->entries : 0;
}
