/* E.164 validation and extraction; see e164.h. */
#include "policy/e164.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "policy/numbering.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool e164_is_valid(const struct pl *num)
{
	size_t i, n;

	if (!num || !num->p || num->l < 1 || num->p[0] != '+')
		return false;
	n = num->l - 1;
	if (n < E164_MIN_DIGITS || n > E164_MAX_DIGITS)
		return false;
	for (i = 1; i < num->l; i++)
		if (!is_digit(num->p[i]))
			return false;
	return numbering_cc_match(num->p + 1, n, NULL) > 0;
}

static bool is_visual(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

int e164_from_user(const struct pl *user, bool visual, char *out, size_t sz)
{
	char tmp[E164_SIZE];
	size_t i, n = 1;

	if (!user || !user->p || !out)
		return EINVAL;
	if (!user->l || user->p[0] != '+')
		return EINVAL;
	tmp[0] = '+';
	for (i = 1; i < user->l; i++) {
		char c = user->p[i];

		if (c == ';')
			break;
		if (visual && is_visual(c))
			continue;
		if (!is_digit(c))
			return EINVAL;
		if (n >= E164_SIZE - 1)
			return EINVAL;
		tmp[n++] = c;
	}
	if (n == 1)
		return EINVAL;
	if (sz < n + 1)
		return ENOSPC;
	memcpy(out, tmp, n);
	out[n] = '\0';
	return 0;
}

/* Whether the URI parameters (after the host part) carry user=phone. */
static bool has_user_phone(const char *p, const char *end)
{
	static const char key[] = ";user=phone";
	const size_t kl = sizeof(key) - 1;

	for (; p + kl <= end; p++) {
		if (*p == '?')
			return false; /* headers start */
		/* the key starts with ';': compare only there */
		if (*p == ';' && !strncasecmp(p, key, kl) &&
		    (p + kl == end || p[kl] == ';' || p[kl] == '?'))
			return true;
	}
	return false;
}

int e164_from_uri(const struct pl *uri, char *out, size_t sz)
{
	const char *p, *end, *at, *u;
	struct pl user;

	if (!uri || !uri->p || !out)
		return EINVAL;
	p = uri->p;
	end = uri->p + uri->l;
	if (uri->l > 4 && !strncasecmp(p, "tel:", 4)) {
		pl_set(&user, p + 4, uri->l - 4);
		return e164_from_user(&user, true, out, sz);
	}
	if (uri->l > 4 && !strncasecmp(p, "sip:", 4))
		u = p + 4;
	else if (uri->l > 5 && !strncasecmp(p, "sips:", 5))
		u = p + 5;
	else
		return EPROTONOSUPPORT;
	at = memchr(u, '@', (size_t)(end - u));
	if (!at)
		return EINVAL;
	user.p = u;
	user.l = (size_t)(at - u);
	/* user:password is not a number */
	if (memchr(user.p, ':', user.l))
		return EINVAL;
	return e164_from_user(&user, has_user_phone(at, end), out, sz);
}
