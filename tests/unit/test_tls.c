/* test_tls.c: identity from certificates (CN, O, role URI) and the TLS 1.3-only contexts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tls.h"

static EVP_PKEY *key;

/* A self-signed certificate with this subject and SAN (NULL: none). */
static X509 *
make_cert(const char *cn, int cnlen, const char *o, const char *san)
{
	X509		*x = X509_new();
	X509V3_CTX	 v3;
	X509_EXTENSION	*e;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	if (cn != NULL)
		X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
		    MBSTRING_ASC, (const unsigned char *)cn, cnlen, -1, 0);
	if (o != NULL)
		X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O",
		    MBSTRING_ASC, (const unsigned char *)o, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if (san != NULL) {
		e = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
		assert_non_null(e);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	e = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "CA:TRUE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	assert_true(X509_sign(x, key, EVP_sha256()) != 0);
	return x;
}

static int
setup(void **state)
{
	(void)state;
	key = EVP_EC_gen("P-256");
	return key ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	return 0;
}

static void
test_identity_ok(void **state)
{
	struct tls_peer	 p;
	X509		*x;
	char		 err[256];

	(void)state;
	x = make_cert("sf-office", -1, "acme",
	    "DNS:sf.example, URI:https://example.com/x, URI:tracepair:agent:sf-office");
	assert_int_equal(tls_cert_identity(x, &p, err, sizeof(err)), 0);
	assert_int_equal(p.role, TLS_ROLE_AGENT);
	assert_string_equal(p.name, "sf-office");
	assert_string_equal(p.tenant, "acme");
	X509_free(x);

	x = make_cert("ctl1", -1, NULL, "URI:tracepair:controller:ctl1");
	assert_int_equal(tls_cert_identity(x, &p, err, sizeof(err)), 0);
	assert_int_equal(p.role, TLS_ROLE_CONTROLLER);
	assert_string_equal(p.tenant, "");
	X509_free(x);
}

static void
test_identity_refused(void **state)
{
	static const struct {
		const char	*cn, *san, *why;
	} bad[] = {
		{ "sf", NULL, "no tracepair role" },
		{ "sf", "DNS:sf.example", "no tracepair role" },
		{ "sf", "URI:tracepair:agent:chi", "names 'chi' but CN is 'sf'" },
		{ "sf", "URI:tracepair:admin:sf", "bad or second" },
		{ "sf", "URI:tracepair:agent", "bad or second" },
		{ "sf", "URI:tracepair:agent:sf, URI:tracepair:operator:sf",
		    "bad or second" },
		{ NULL, "URI:tracepair:agent:sf", "no usable CN" },
		{ "0123456789012345678901234567890123456789012345678901234567890123456789",
		    "URI:tracepair:agent:x", "no usable CN" },
	};
	struct tls_peer	 p;
	X509		*x;
	char		 err[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x = make_cert(bad[i].cn, -1, "acme", bad[i].san);
		err[0] = '\0';
		assert_int_equal(tls_cert_identity(x, &p, err, sizeof(err)), -1);
		assert_int_equal(p.role, TLS_ROLE_NONE);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("case %zu: '%s'", i, err);
		X509_free(x);
	}
	/* A NUL inside the CN: "sf\0agent" must not pass as "sf". */
	x = make_cert("sf\0agent", 8, "acme", "URI:tracepair:agent:sf");
	assert_int_equal(tls_cert_identity(x, &p, err, sizeof(err)), -1);
	X509_free(x);
	assert_int_equal(tls_cert_identity(NULL, &p, err, sizeof(err)), -1);
}

static void
test_roles(void **state)
{
	enum tls_role	 r;

	(void)state;
	assert_int_equal(tls_role_parse("operator", &r), 0);
	assert_int_equal(r, TLS_ROLE_OPERATOR);
	assert_int_equal(tls_role_parse("none", &r), -1);
	assert_int_equal(tls_role_parse("Agent", &r), -1);
	assert_string_equal(tls_role_name(TLS_ROLE_AGENT), "agent");
	assert_string_equal(tls_role_name((enum tls_role)99), "none");
}

static void
test_contexts(void **state)
{
	struct tls_files f;
	SSL_CTX		*ctx;
	X509		*x;
	FILE		*fp;
	char		 dir[] = "/tmp/test_tls.XXXXXX", crt[64], pem[64], err[512];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(crt, sizeof(crt), "%s/c.crt", dir);
	snprintf(pem, sizeof(pem), "%s/c.key", dir);
	x = make_cert("ctl1", -1, NULL, "URI:tracepair:controller:ctl1");
	fp = fopen(crt, "w");
	PEM_write_X509(fp, x);
	fclose(fp);
	fp = fopen(pem, "w");
	PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
	fclose(fp);
	X509_free(x);

	memset(&f, 0, sizeof(f));
	f.ca = crt;
	f.cert = crt;
	f.key = pem;
	ctx = tls_server_ctx(&f, err, sizeof(err));
	if (ctx == NULL)
		fail_msg("%s", err);
	assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
	assert_int_equal(SSL_CTX_get_max_proto_version(ctx), TLS1_3_VERSION);
	assert_int_equal(SSL_CTX_get_verify_mode(ctx),
	    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
	assert_true(SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS);
	/* A CRL file without a CRL is refused, and names the file. */
	assert_int_equal(tls_ctx_load_crl(ctx, crt, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no CRL"));
	SSL_CTX_free(ctx);

	ctx = tls_client_ctx(&f, err, sizeof(err));
	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
	SSL_CTX_free(ctx);

	/* Missing files: one line naming the file. */
	f.ca = "/nonexistent/ca.crt";
	assert_null(tls_server_ctx(&f, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/ca.crt"));
	f.ca = crt;
	f.key = NULL;
	assert_null(tls_server_ctx(&f, err, sizeof(err)));
	f.key = crt;	/* a certificate is not a key */
	assert_null(tls_server_ctx(&f, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot load key"));
	unlink(crt);
	unlink(pem);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_ok),
		cmocka_unit_test(test_identity_refused),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_contexts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
