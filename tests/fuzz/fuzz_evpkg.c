/* fuzz_evpkg.c: the package reader behind `tracepair verify` (evpkg_read: libarchive tar/tar.gz/zip with limits) and evpkg_verify on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "evpkg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct evpkg_result *res;
	struct evpkg	 p;
	char		 err[256];

	if (evpkg_read(data, len, &p, err, sizeof(err)) == -1)
		return 0;
	/* the test CA of tests/evidence/ (run from the top of the tree) */
	if ((res = malloc(sizeof(*res))) != NULL)
		(void)evpkg_verify(&p, "tests/evidence/ca.crt",
		    "tests/evidence/crl.pem", res, err, sizeof(err));
	free(res);
	evpkg_free(&p);
	return 0;
}
