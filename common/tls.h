/* tls.h: OpenSSL 3 contexts for mutual TLS 1.3 and the peer identity a certificate carries. */
#ifndef TRACEPAIR_TLS_H
#define TRACEPAIR_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

/*
 * Every party holds a certificate from the deployment CA (certs/tp-pki.sh):
 * subject CN = name, O = tenant, and a SAN URI "tracepair:ROLE:NAME" that
 * says what it may do.  A certificate without exactly one such URI, or
 * whose URI name differs from CN, has no identity and is refused.
 */
enum tls_role {
	TLS_ROLE_NONE = 0,
	TLS_ROLE_CONTROLLER,
	TLS_ROLE_AGENT,
	TLS_ROLE_OPERATOR,
	TLS_ROLE_SIGNER,	/* signs evidence packages (evpkg.c); never logs in */
	TLS_ROLE_MSP		/* an MSP's operator: every tenant (docs/protocol.md) */
};

#define TLS_NAME_LEN	64

/* Who is on the other end, from its certificate only. */
struct tls_peer {
	enum tls_role	 role;
	char		 name[TLS_NAME_LEN];	/* CN */
	char		 tenant[TLS_NAME_LEN];	/* O, "" when absent */
};

/* Files of one party (PEM). */
struct tls_files {
	const char	*ca;	/* CA certificate(s) to trust */
	const char	*cert;	/* own certificate */
	const char	*key;	/* own private key */
	const char	*crl;	/* CRL file, or NULL: no revocation check */
};

/*
 * Server context: TLS 1.3 only, client certificate required and verified
 * against ca (and crl, with X509_V_FLAG_CRL_CHECK), SSL_MODE_RELEASE_BUFFERS.
 * Returns NULL with a one-line reason.
 */
SSL_CTX	*tls_server_ctx(const struct tls_files *, char *err, size_t errlen);
/* Client context: TLS 1.3 only, server certificate verified against ca. */
SSL_CTX	*tls_client_ctx(const struct tls_files *, char *err, size_t errlen);
/* Reload the CRL of a context (e.g. on SIGHUP).  -1 with a reason. */
int	 tls_ctx_load_crl(SSL_CTX *, const char *crl, char *err, size_t errlen);

/*
 * Load every CRL of a PEM file into store and turn on CRL checking.
 * -1 with a reason.
 */
int	 tls_store_load_crls(X509_STORE *, const char *crl, char *err,
	    size_t errlen);

/* Identity of a verified peer certificate.  -1 with a reason. */
int	 tls_cert_identity(X509 *, struct tls_peer *, char *err, size_t errlen);
/* Identity of the peer of a finished handshake.  -1 with a reason. */
int	 tls_peer_identity(SSL *, struct tls_peer *, char *err, size_t errlen);

/*
 * Subject ("/CN=x/O=y") of the leaf certificate a peer offered to a
 * server context, verified or not (for logging refusals), or NULL.
 */
const char *tls_peer_subject(SSL *);

const char *tls_role_name(enum tls_role);
/* "agent" -> TLS_ROLE_AGENT; -1 when unknown. */
int	 tls_role_parse(const char *, enum tls_role *);

/*
 * One line saying why a TLS connection failed: the certificate verify
 * result when verification failed ("certificate has expired",
 * "certificate revoked", ...), else the OpenSSL error queue of the
 * bufferevent (bufferevent_get_openssl_error) and of the thread, which are
 * drained.  bev may be NULL.
 */
struct bufferevent;
void	 tls_error_reason(struct bufferevent *bev, SSL *ssl, char *buf,
	    size_t len);

#endif
