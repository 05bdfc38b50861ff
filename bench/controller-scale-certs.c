/*
 * controller-scale-certs.c: issue N agent certificates fast for the controller-scale benchmark.
 *
 *   controller-scale-certs PKI_DIR PREFIX COUNT TENANT
 *
 * Reads PKI_DIR/ca.crt and PKI_DIR/ca.key (certs/tp-pki.sh init) and writes
 * PKI_DIR/PREFIXiii.crt + .key for i = 0 .. COUNT-1 (the name format of
 * tests/integration/agentsim.c, "%s%03d").  Every certificate is what
 * tp-pki.sh issues for an agent (CN, O, SAN URI tracepair:agent:NAME,
 * clientAuth) but all share one key, so 5,000 take a second instead of the
 * minutes 15,000 openssl processes would.  Benchmark use only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static void
die(const char *what)
{
	fprintf(stderr, "controller-scale-certs: %s\n", what);
	exit(1);
}

static void
add_ext(X509 *x, X509 *ca, int nid, const char *value)
{
	X509V3_CTX	 v3;
	X509_EXTENSION	*e;

	X509V3_set_ctx(&v3, ca, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL ||
	    X509_add_ext(x, e, -1) != 1)
		die("cannot add an extension");
	X509_EXTENSION_free(e);
}

int
main(int argc, char **argv)
{
	EVP_PKEY	*cakey, *key;
	X509		*ca, *x;
	FILE		*f;
	char		 path[4096], name[128], san[192];
	int		 i, count;

	if (argc != 5)
		die("usage: controller-scale-certs PKI_DIR PREFIX COUNT TENANT");
	count = atoi(argv[3]);
	if (count < 1 || count > 1000000)
		die("bad COUNT");
	snprintf(path, sizeof(path), "%s/ca.crt", argv[1]);
	if ((f = fopen(path, "r")) == NULL ||
	    (ca = PEM_read_X509(f, NULL, NULL, NULL)) == NULL)
		die("cannot read ca.crt");
	fclose(f);
	snprintf(path, sizeof(path), "%s/ca.key", argv[1]);
	if ((f = fopen(path, "r")) == NULL ||
	    (cakey = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		die("cannot read ca.key");
	fclose(f);
	if ((key = EVP_EC_gen("P-256")) == NULL)
		die("cannot make a key");
	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "%s%03d", argv[2], i);
		if ((x = X509_new()) == NULL)
			die("out of memory");
		X509_set_version(x, 2);
		ASN1_INTEGER_set(X509_get_serialNumber(x), 0x100000 + i);
		X509_gmtime_adj(X509_getm_notBefore(x), -3600);
		X509_gmtime_adj(X509_getm_notAfter(x), 7 * 86400);
		X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
		    MBSTRING_ASC, (const unsigned char *)name, -1, -1, 0);
		X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O",
		    MBSTRING_ASC, (const unsigned char *)argv[4], -1, -1, 0);
		X509_set_issuer_name(x, X509_get_subject_name(ca));
		X509_set_pubkey(x, key);
		snprintf(san, sizeof(san), "URI:tracepair:agent:%s", name);
		add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, ca, NID_key_usage, "critical,digitalSignature");
		add_ext(x, ca, NID_ext_key_usage, "clientAuth");
		add_ext(x, ca, NID_subject_alt_name, san);
		if (X509_sign(x, cakey, EVP_sha256()) == 0)
			die("cannot sign");
		snprintf(path, sizeof(path), "%s/%s.crt", argv[1], name);
		if ((f = fopen(path, "w")) == NULL || PEM_write_X509(f, x) != 1)
			die("cannot write a certificate");
		fclose(f);
		snprintf(path, sizeof(path), "%s/%s.key", argv[1], name);
		if ((f = fopen(path, "w")) == NULL ||
		    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1)
			die("cannot write a key");
		fclose(f);
		X509_free(x);
	}
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	X509_free(ca);
	return 0;
}
