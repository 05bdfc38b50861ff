/* stats.c: small exact tests (stats.h). */
#include <math.h>

#include "stats.h"

/* ln C(n, k) */
static double
lchoose(int n, int k)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

double
stats_fisher_more(int a, int n1, int b, int n2)
{
	int	 k = a + b, n = n1 + n2, x, hi;
	double	 p = 0, base;

	if (n1 <= 0 || n2 <= 0 || k == 0 || a < 0 || b < 0 || a > n1 || b > n2)
		return 1.0;
	base = lchoose(n, k);
	hi = k < n1 ? k : n1;
	for (x = a; x <= hi; x++)
		if (k - x <= n2)
			p += exp(lchoose(n1, x) + lchoose(n2, k - x) - base);
	return p > 1.0 ? 1.0 : p;
}
