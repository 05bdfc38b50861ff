/* tls.c: OpenSSL 3 contexts for mutual TLS 1.3 and the peer identity a certificate carries. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "tls.h"

#define TLS_URI_PREFIX	"tracepair:"

static const char *const tls_role_names[] = {
	[TLS_ROLE_NONE] = "none",
	[TLS_ROLE_CONTROLLER] = "controller",
	[TLS_ROLE_AGENT] = "agent",
	[TLS_ROLE_OPERATOR] = "operator",
	[TLS_ROLE_SIGNER] = "signer",
	[TLS_ROLE_MSP] = "msp",
};

const char *
tls_role_name(enum tls_role r)
{
	if ((unsigned)r >= sizeof(tls_role_names) / sizeof(tls_role_names[0]))
		return "none";
	return tls_role_names[r];
}

int
tls_role_parse(const char *s, enum tls_role *out)
{
	unsigned	 i;

	for (i = TLS_ROLE_CONTROLLER;
	    i < sizeof(tls_role_names) / sizeof(tls_role_names[0]); i++)
		if (strcmp(s, tls_role_names[i]) == 0) {
			*out = (enum tls_role)i;
			return 0;
		}
	return -1;
}

/* Drain OpenSSL's error queue.  first if not 0, else its oldest error. */
static unsigned long
tls_drain(unsigned long first)
{
	unsigned long	 e;

	while ((e = ERR_get_error()) != 0)
		if (first == 0)
			first = e;
	return first;
}

/* OpenSSL error e as one short line. */
static void
tls_error_string(unsigned long e, char *buf, size_t len)
{
	const char	*r;

	if ((r = ERR_reason_error_string(e)) != NULL)
		snprintf(buf, len, "%s", r);
	else
		ERR_error_string_n(e, buf, len);
}

/* The oldest queued OpenSSL error as one short line; drains the queue. */
static void
tls_queue_reason(char *buf, size_t len)
{
	unsigned long	 first = tls_drain(0);

	if (first == 0)
		snprintf(buf, len, "unknown TLS error");
	else
		tls_error_string(first, buf, len);
}

int
tls_store_load_crls(X509_STORE *store, const char *crl, char *err,
    size_t errlen)
{
	X509_CRL	*c;
	FILE		*f;
	int		 n = 0;

	if ((f = fopen(crl, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open CRL", crl);
		return -1;
	}
	while ((c = PEM_read_X509_CRL(f, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_crl(store, c) != 1) {
			X509_CRL_free(c);
			fclose(f);
			snprintf(err, errlen, "%s: cannot add CRL", crl);
			return -1;
		}
		X509_CRL_free(c);
		n++;
	}
	fclose(f);
	ERR_clear_error();	/* the end-of-file "no start line" */
	if (n == 0) {
		snprintf(err, errlen, "%s: no CRL in file", crl);
		return -1;
	}
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	return 0;
}

/* Common part of both contexts.  NULL with a reason. */

/*
 * Every certificate of the ca file must be a CA (basicConstraints CA:TRUE
 * or an old self-signed v1 root): a leaf given as "ca" would make every
 * peer fail with a reason far from the mistake.  -1 with a reason.
 */
static int
tls_ca_check(SSL_CTX *ctx, const char *ca, char *err, size_t errlen)
{
	STACK_OF(X509_OBJECT) *objs;
	X509		*x;
	char		 subj[256];
	int		 i, n = 0;

	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (i = 0; objs != NULL && i < sk_X509_OBJECT_num(objs); i++) {
		x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (x == NULL)
			continue;
		n++;
		if (X509_check_ca(x) < 1) {
			X509_NAME_oneline(X509_get_subject_name(x), subj,
			    sizeof(subj));
			snprintf(err, errlen, "%s: certificate %s is not a CA "
			    "(no basicConstraints CA:TRUE)", ca, subj);
			return -1;
		}
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: no CA certificate in it", ca);
		return -1;
	}
	return 0;
}

static SSL_CTX *
tls_ctx_common(const SSL_METHOD *method, const struct tls_files *f,
    char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	char		 why[200];

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(method)) == NULL) {
		tls_queue_reason(why, sizeof(why));
		snprintf(err, errlen, "SSL_CTX_new: %s", why);
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
		snprintf(err, errlen, "cannot restrict to TLS 1.3");
		goto fail;
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (f->ca == NULL || SSL_CTX_load_verify_locations(ctx, f->ca,
	    NULL) != 1) {
		tls_queue_reason(why, sizeof(why));
		snprintf(err, errlen, "%s: cannot load CA: %s",
		    f->ca ? f->ca : "(no ca file)", why);
		goto fail;
	}
	if (tls_ca_check(ctx, f->ca, err, errlen) == -1)
		goto fail;
	if (f->cert != NULL &&
	    SSL_CTX_use_certificate_chain_file(ctx, f->cert) != 1) {
		tls_queue_reason(why, sizeof(why));
		snprintf(err, errlen, "%s: cannot load certificate: %s",
		    f->cert, why);
		goto fail;
	}
	if (f->key != NULL && (SSL_CTX_use_PrivateKey_file(ctx, f->key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)) {
		tls_queue_reason(why, sizeof(why));
		snprintf(err, errlen, "%s: cannot load key: %s", f->key, why);
		goto fail;
	}
	if (f->crl != NULL && tls_store_load_crls(SSL_CTX_get_cert_store(ctx),
	    f->crl, err, errlen) == -1)
		goto fail;
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* SSL ex_data slot holding the subject of the peer's leaf certificate. */
static int tls_subject_idx = -1;

static void
tls_subject_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	OPENSSL_free(ptr);
}

/*
 * Verification itself is OpenSSL's; this only remembers who the leaf
 * certificate claims to be, so that a refusal can be logged with it.
 */
static int
tls_verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL	*ssl;
	X509	*x;
	char	*subj;

	if (X509_STORE_CTX_get_error_depth(xs) != 0 || tls_subject_idx < 0)
		return ok;
	ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	x = X509_STORE_CTX_get_current_cert(xs);
	if (ssl == NULL || x == NULL || SSL_get_ex_data(ssl,
	    tls_subject_idx) != NULL)
		return ok;
	if ((subj = X509_NAME_oneline(X509_get_subject_name(x), NULL, 0)) != NULL)
		SSL_set_ex_data(ssl, tls_subject_idx, subj);
	return ok;
}

const char *
tls_peer_subject(SSL *ssl)
{
	if (ssl == NULL || tls_subject_idx < 0)
		return NULL;
	return SSL_get_ex_data(ssl, tls_subject_idx);
}

SSL_CTX *
tls_server_ctx(const struct tls_files *f, char *err, size_t errlen)
{
	SSL_CTX			*ctx;
	STACK_OF(X509_NAME)	*names;

	if (f->cert == NULL || f->key == NULL) {
		snprintf(err, errlen, "a server needs a certificate and a key");
		return NULL;
	}
	if ((ctx = tls_ctx_common(TLS_server_method(), f, err, errlen)) == NULL)
		return NULL;
	if (tls_subject_idx < 0)
		tls_subject_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
		    tls_subject_free);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, tls_verify_cb);
	if ((names = SSL_load_client_CA_file(f->ca)) != NULL)
		SSL_CTX_set_client_CA_list(ctx, names);
	/* No resumption: every connection proves its certificate afresh. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	ERR_clear_error();
	return ctx;
}

SSL_CTX *
tls_client_ctx(const struct tls_files *f, char *err, size_t errlen)
{
	SSL_CTX	*ctx;

	if ((ctx = tls_ctx_common(TLS_client_method(), f, err, errlen)) == NULL)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	ERR_clear_error();
	return ctx;
}

int
tls_ctx_load_crl(SSL_CTX *ctx, const char *crl, char *err, size_t errlen)
{
	X509_STORE		*old = SSL_CTX_get_cert_store(ctx), *store;
	STACK_OF(X509_OBJECT)	*objs;
	X509			*x;
	int			 i;

	if ((store = X509_STORE_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Keep the trusted certificates, replace the CRLs. */
	objs = X509_STORE_get0_objects(old);
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (x != NULL && X509_STORE_add_cert(store, x) != 1) {
			X509_STORE_free(store);
			snprintf(err, errlen, "cannot copy trusted certificates");
			return -1;
		}
	}
	if (tls_store_load_crls(store, crl, err, errlen) == -1) {
		X509_STORE_free(store);
		return -1;
	}
	SSL_CTX_set_cert_store(ctx, store);
	return 0;
}

/* UTF-8 text of the first entry nid of name into buf.  -1 if none/bad. */
static int
tls_name_entry(X509_NAME *name, int nid, char *buf, size_t len)
{
	X509_NAME_ENTRY	*ent;
	unsigned char	*u = NULL;
	int		 i, n;

	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return -1;
	if ((ent = X509_NAME_get_entry(name, i)) == NULL)
		return -1;
	if ((n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ent))) < 0)
		return -1;
	if (n == 0 || (size_t)n >= len || memchr(u, '\0', (size_t)n) != NULL) {
		OPENSSL_free(u);
		return -1;
	}
	memcpy(buf, u, (size_t)n);
	buf[n] = '\0';
	OPENSSL_free(u);
	return 0;
}

int
tls_cert_identity(X509 *cert, struct tls_peer *p, char *err, size_t errlen)
{
	GENERAL_NAMES	*sans;
	GENERAL_NAME	*gn;
	const char	*uri, *colon;
	char		 rolebuf[16], urin[TLS_NAME_LEN];
	int		 i, n, found = 0, len;

	memset(p, 0, sizeof(*p));
	if (cert == NULL) {
		snprintf(err, errlen, "no peer certificate");
		return -1;
	}
	if (tls_name_entry(X509_get_subject_name(cert), NID_commonName,
	    p->name, sizeof(p->name)) == -1) {
		snprintf(err, errlen, "certificate has no usable CN");
		return -1;
	}
	if (tls_name_entry(X509_get_subject_name(cert), NID_organizationName,
	    p->tenant, sizeof(p->tenant)) == -1)
		p->tenant[0] = '\0';
	sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	n = sans ? sk_GENERAL_NAME_num(sans) : 0;
	for (i = 0; i < n; i++) {
		gn = sk_GENERAL_NAME_value(sans, i);
		if (gn->type != GEN_URI)
			continue;
		uri = (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
		len = ASN1_STRING_length(gn->d.uniformResourceIdentifier);
		if (uri == NULL || len <= (int)strlen(TLS_URI_PREFIX) ||
		    strncmp(uri, TLS_URI_PREFIX, strlen(TLS_URI_PREFIX)) != 0)
			continue;
		if (found++ > 0 || memchr(uri, '\0', (size_t)len) != NULL)
			break;
		uri += strlen(TLS_URI_PREFIX);
		len -= (int)strlen(TLS_URI_PREFIX);
		if ((colon = memchr(uri, ':', (size_t)len)) == NULL ||
		    (size_t)(colon - uri) >= sizeof(rolebuf) ||
		    (size_t)(len - (colon - uri) - 1) >= sizeof(urin)) {
			found = 99;
			break;
		}
		memcpy(rolebuf, uri, (size_t)(colon - uri));
		rolebuf[colon - uri] = '\0';
		memcpy(urin, colon + 1, (size_t)(len - (colon - uri) - 1));
		urin[len - (colon - uri) - 1] = '\0';
		if (tls_role_parse(rolebuf, &p->role) == -1) {
			found = 99;
			break;
		}
	}
	GENERAL_NAMES_free(sans);
	if (found != 1) {
		snprintf(err, errlen, found == 0 ? "certificate carries no "
		    "tracepair role (SAN URI tracepair:ROLE:NAME)" :
		    "certificate carries a bad or second tracepair role URI");
		p->role = TLS_ROLE_NONE;
		return -1;
	}
	if (strcmp(urin, p->name) != 0) {
		snprintf(err, errlen, "certificate role URI names '%s' but CN "
		    "is '%s'", urin, p->name);
		p->role = TLS_ROLE_NONE;
		return -1;
	}
	return 0;
}

int
tls_peer_identity(SSL *ssl, struct tls_peer *p, char *err, size_t errlen)
{
	X509	*cert;
	int	 rc;

	memset(p, 0, sizeof(*p));
	if (SSL_get_verify_result(ssl) != X509_V_OK) {
		snprintf(err, errlen, "peer certificate not verified: %s",
		    X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
		return -1;
	}
	if ((cert = SSL_get1_peer_certificate(ssl)) == NULL) {
		snprintf(err, errlen, "peer sent no certificate");
		return -1;
	}
	rc = tls_cert_identity(cert, p, err, errlen);
	X509_free(cert);
	return rc;
}

void
tls_error_reason(struct bufferevent *bev, SSL *ssl, char *buf, size_t len)
{
	unsigned long	 e, first = 0;
	const char	*r = NULL;
	char		 tmp[160];
	long		 vr;

	if (bev != NULL)
		while ((e = bufferevent_get_openssl_error(bev)) != 0)
			if (first == 0)
				first = e;
	if ((first = tls_drain(first)) != 0) {
		tls_error_string(first, tmp, sizeof(tmp));
		r = tmp;
	}
	vr = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
	if (vr != X509_V_OK)
		snprintf(buf, len, "%s: %s", r ? r : "certificate verify failed",
		    X509_verify_cert_error_string(vr));
	else if (r != NULL)
		snprintf(buf, len, "%s", r);
	else if (bev != NULL && EVUTIL_SOCKET_ERROR() != 0)
		snprintf(buf, len, "%s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	else
		snprintf(buf, len, "TLS connection failed");
}
