/* fuzz_certid.c: a peer certificate's identity (tls_cert_identity: role, tenant and name from CN, O and the tracepair: SAN URI) from arbitrary DER bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "tls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Input: one DER certificate (what d2i_X509 reads; the handshake gives
 * the same parse).  An identity is either refused with the role none, or
 * a known role with a name and tenant that are NUL-terminated within
 * their buffers, the name non-empty.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	struct tls_peer	 peer;
	X509		*x;
	char		 err[256];

	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	if (tls_cert_identity(x, &peer, err, sizeof(err)) == 0) {
		if (peer.role == TLS_ROLE_NONE ||
		    strcmp(tls_role_name(peer.role), "none") == 0 ||
		    memchr(peer.name, '\0', sizeof(peer.name)) == NULL ||
		    memchr(peer.tenant, '\0', sizeof(peer.tenant)) == NULL ||
		    peer.name[0] == '\0')
			abort();
	} else if (peer.role != TLS_ROLE_NONE ||
	    memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	X509_free(x);
	ERR_clear_error();
	return 0;
}
