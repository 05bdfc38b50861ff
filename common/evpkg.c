/* evpkg.c: evidence packages: members, the signed SHA-256 MANIFEST (Ed25519, OpenSSL EVP), tar.gz/zip through libarchive, the offline check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "evpkg.h"
#include "tls.h"
#include "trace.h"

#define EVPKG_MAGIC	"# tracepair evidence manifest 1"
#define EVPKG_SIG_LEN	64	/* an Ed25519 signature */
#define EVPKG_EKU_DOCSIGN "1.3.6.1.5.5.7.3.36"	/* id-kp-documentSigning, RFC 9336 */

void
evpkg_init(struct evpkg *p)
{
	memset(p, 0, sizeof(*p));
}

void
evpkg_free(struct evpkg *p)
{
	int	 i;

	for (i = 0; i < p->n; i++) {
		free(p->m[i].name);
		free(p->m[i].data);
	}
	free(p->m);
	free(p->top);
	memset(p, 0, sizeof(*p));
}

int
evpkg_name_check(const char *name, char *err, size_t errlen)
{
	size_t	 i, n = strlen(name), part = 0;

	if (n == 0 || n > EVPKG_NAME_MAX) {
		snprintf(err, errlen, "member name empty or longer than %d bytes",
		    EVPKG_NAME_MAX);
		return -1;
	}
	for (i = 0; i <= n; i++) {
		char c = name[i];

		if (c == '/' || c == '\0') {
			/* no empty part, no "." or ".." */
			if (part == 0 || (part == 1 && name[i - 1] == '.') ||
			    (part == 2 && name[i - 1] == '.' && name[i - 2] == '.'))
				goto bad;
			part = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			goto bad;
		part++;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad member name (letters, digits, '.', '_', "
	    "'-' and '/' between parts only)");
	return -1;
}

const struct evpkg_member *
evpkg_find(const struct evpkg *p, const char *name)
{
	int	 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->m[i].name, name) == 0)
			return &p->m[i];
	return NULL;
}

/* Add data as name, taking ownership of data (freed on failure too). */
static int
evpkg_add_own(struct evpkg *p, const char *name, unsigned char *data,
    size_t len, char *err, size_t errlen)
{
	struct evpkg_member *m;
	size_t	 total = len;
	int	 i;

	if (evpkg_name_check(name, err, errlen) == -1)
		goto fail;
	if (evpkg_find(p, name) != NULL) {
		snprintf(err, errlen, "%s: member twice", name);
		goto fail;
	}
	for (i = 0; i < p->n; i++)
		total += p->m[i].len;
	if (p->n >= EVPKG_MAX_MEMBERS || len > EVPKG_MAX_MEMBER ||
	    total > EVPKG_MAX_TOTAL) {
		snprintf(err, errlen, "%s: package over its limits (%d files, "
		    "%u bytes each, %u in all)", name, EVPKG_MAX_MEMBERS,
		    EVPKG_MAX_MEMBER, EVPKG_MAX_TOTAL);
		goto fail;
	}
	if ((m = realloc(p->m, (size_t)(p->n + 1) * sizeof(*m))) == NULL)
		goto oom;
	p->m = m;
	if ((m[p->n].name = strdup(name)) == NULL)
		goto oom;
	m[p->n].data = data;
	m[p->n].len = len;
	p->n++;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(data);
	return -1;
}

int
evpkg_add(struct evpkg *p, const char *name, const void *data, size_t len,
    char *err, size_t errlen)
{
	unsigned char	*c;

	if ((c = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (len > 0)
		memcpy(c, data, len);
	c[len] = '\0';
	return evpkg_add_own(p, name, c, len, err, errlen);
}

int
evpkg_format_parse(const char *s, enum evpkg_format *f)
{
	if (strcmp(s, "tar.gz") == 0 || strcmp(s, "tgz") == 0)
		*f = EVPKG_TARGZ;
	else if (strcmp(s, "zip") == 0)
		*f = EVPKG_ZIP;
	else
		return -1;
	return 0;
}

const char *
evpkg_format_ext(enum evpkg_format f)
{
	return f == EVPKG_ZIP ? "zip" : "tar.gz";
}

/* ---- OpenSSL helpers */

/* The OpenSSL error queue as one line after what. */
static void
ossl_err(char *err, size_t errlen, const char *what)
{
	unsigned long	 e = ERR_get_error();
	char		 buf[160];

	if (e == 0)
		snprintf(err, errlen, "%s", what);
	else {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, errlen, "%s (%s)", what, buf);
	}
	ERR_clear_error();
}

static void
sha256_hex(const unsigned char *d, size_t len, char out[65])
{
	unsigned char	 md[32];
	unsigned int	 n = 0, i;

	EVP_Digest(d, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A PEM certificate from memory; NULL when none. */
static X509 *
cert_from_mem(const unsigned char *d, size_t len)
{
	BIO	*b;
	X509	*x;

	if (len > INT32_MAX || (b = BIO_new_mem_buf(d, (int)len)) == NULL)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

/* 1 when x's extended key usage names documentSigning. */
static int
cert_docsign(X509 *x)
{
	EXTENDED_KEY_USAGE	*eku;
	ASN1_OBJECT		*want;
	int			 i, ok = 0;

	if ((eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL)) == NULL)
		return 0;
	if ((want = OBJ_txt2obj(EVPKG_EKU_DOCSIGN, 1)) != NULL) {
		for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
			if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want) == 0)
				ok = 1;
		ASN1_OBJECT_free(want);
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return ok;
}

/* Read a PEM key and certificate and check they can sign evidence. */
static int
signer_load(const char *key_pem, const char *cert_pem, EVP_PKEY **key,
    X509 **cert, char *err, size_t errlen)
{
	struct tls_peer	 peer;
	FILE		*f;

	*key = NULL;
	*cert = NULL;
	if ((f = fopen(key_pem, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open the signing key", key_pem);
		return -1;
	}
	*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (*key == NULL) {
		ossl_err(err, errlen, "no private key in the signing key file");
		return -1;
	}
	if ((f = fopen(cert_pem, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open the signing certificate",
		    cert_pem);
		goto fail;
	}
	*cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (*cert == NULL) {
		ossl_err(err, errlen, "no certificate in the signing certificate "
		    "file");
		goto fail;
	}
	if (EVP_PKEY_get_base_id(*key) != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "%s: the signing key is not Ed25519 "
		    "(issue one with tp-pki.sh issue DIR signer NAME)", key_pem);
		goto fail;
	}
	if (X509_check_private_key(*cert, *key) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "%s: the signing key does not match %s",
		    key_pem, cert_pem);
		goto fail;
	}
	if (!cert_docsign(*cert) || tls_cert_identity(*cert, &peer, err,
	    errlen) == -1 || peer.role != TLS_ROLE_SIGNER) {
		snprintf(err, errlen, "%s: not a signer certificate (role "
		    "tracepair:signer and extendedKeyUsage documentSigning)",
		    cert_pem);
		goto fail;
	}
	return 0;
fail:
	EVP_PKEY_free(*key);
	X509_free(*cert);
	*key = NULL;
	*cert = NULL;
	return -1;
}

int
evpkg_signer_check(const char *key_pem, const char *cert_pem, char *err,
    size_t errlen)
{
	EVP_PKEY	*key;
	X509		*cert;

	if (signer_load(key_pem, cert_pem, &key, &cert, err, errlen) == -1)
		return -1;
	EVP_PKEY_free(key);
	X509_free(cert);
	return 0;
}

/* The subject or issuer of x as one line. */
static void
name_line(const X509_NAME *n, char *buf, size_t len)
{
	if (X509_NAME_oneline(n, buf, (int)len) == NULL)
		snprintf(buf, len, "?");
}

int
evpkg_sign(struct evpkg *p, const char *key_pem, const char *cert_pem,
    double when, char *err, size_t errlen)
{
	EVP_PKEY	*key = NULL;
	EVP_MD_CTX	*md = NULL;
	X509		*cert = NULL;
	BIO		*b = NULL;
	FILE		*fp = NULL;
	char		*man = NULL, *pem, hex[65], tbuf[40], subj[256];
	unsigned char	 sig[EVPKG_SIG_LEN];
	size_t		 manlen = 0, siglen = sizeof(sig);
	long		 pemlen;
	int		 i, rc = -1;

	if (evpkg_find(p, EVPKG_MANIFEST) || evpkg_find(p, EVPKG_SIG) ||
	    evpkg_find(p, EVPKG_CERT)) {
		snprintf(err, errlen, "package already signed");
		return -1;
	}
	if (signer_load(key_pem, cert_pem, &key, &cert, err, errlen) == -1)
		return -1;
	if ((b = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(b, cert) != 1 ||
	    (pemlen = BIO_get_mem_data(b, &pem)) <= 0) {
		ossl_err(err, errlen, "cannot write the signer's certificate");
		goto out;
	}
	if (evpkg_add(p, EVPKG_CERT, pem, (size_t)pemlen, err, errlen) == -1)
		goto out;
	if ((fp = open_memstream(&man, &manlen)) == NULL)
		goto oom;
	trace_format_time(when, tbuf, sizeof(tbuf));
	name_line(X509_get_subject_name(cert), subj, sizeof(subj));
	fprintf(fp, "%s\n# signed-at %s\n# signer %s\n"
	    "# Check the files: sha256sum -c MANIFEST.  Check the signature "
	    "and the signer: tracepair verify PACKAGE --ca CA.pem\n",
	    EVPKG_MAGIC, tbuf, subj);
	for (i = 0; i < p->n; i++) {
		sha256_hex(p->m[i].data, p->m[i].len, hex);
		fprintf(fp, "%s  %s\n", hex, p->m[i].name);
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		goto oom;
	}
	fp = NULL;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, (unsigned char *)man, manlen) != 1) {
		ossl_err(err, errlen, "cannot sign the manifest");
		goto out;
	}
	if (evpkg_add(p, EVPKG_MANIFEST, man, manlen, err, errlen) == -1 ||
	    evpkg_add(p, EVPKG_SIG, sig, siglen, err, errlen) == -1)
		goto out;
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	if (fp != NULL)
		fclose(fp);
	free(man);
	EVP_MD_CTX_free(md);
	BIO_free(b);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

/* ---- archives (libarchive) */

/* A growing buffer libarchive writes into. */
struct wbuf {
	unsigned char	*d;	/* the bytes so far (malloc'ed) */
	size_t		 len, cap;	/* used and allocated */
};

static la_ssize_t
wbuf_write(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct wbuf	*w = arg;
	unsigned char	*d;
	size_t		 cap;

	if (w->len + n > w->cap) {
		cap = w->cap ? w->cap : 65536;
		while (cap < w->len + n)
			cap *= 2;
		if ((d = realloc(w->d, cap)) == NULL) {
			archive_set_error(a, 12, "out of memory");
			return -1;
		}
		w->d = d;
		w->cap = cap;
	}
	memcpy(w->d + w->len, buf, n);
	w->len += n;
	return (la_ssize_t)n;
}

int
evpkg_write(const struct evpkg *p, enum evpkg_format f, const char *top,
    double mtime, unsigned char **out, size_t *outlen, char *err,
    size_t errlen)
{
	struct archive		*a;
	struct archive_entry	*e = NULL;
	struct wbuf		 w = { NULL, 0, 0 };
	char			 path[EVPKG_NAME_MAX * 2 + 2];
	int			 i, ok = 0;

	*out = NULL;
	*outlen = 0;
	if (evpkg_name_check(top, err, errlen) == -1 || strchr(top, '/')) {
		snprintf(err, errlen, "bad package folder name");
		return -1;
	}
	if ((a = archive_write_new()) == NULL)
		goto oom;
	if (f == EVPKG_ZIP) {
		if (archive_write_set_format_zip(a) != ARCHIVE_OK)
			goto aerr;
	} else if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) !=
	    ARCHIVE_OK)
		goto aerr;
	if (archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, &w, NULL, wbuf_write, NULL, NULL) !=
	    ARCHIVE_OK)
		goto aerr;
	if ((e = archive_entry_new()) == NULL)
		goto oom;
	for (i = -1; i < p->n; i++) {
		archive_entry_clear(e);
		if (i == -1) {
			snprintf(path, sizeof(path), "%s/", top);
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else {
			snprintf(path, sizeof(path), "%s/%s", top, p->m[i].name);
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)p->m[i].len);
		}
		archive_entry_set_pathname(e, path);
		archive_entry_set_mtime(e, (time_t)mtime, 0);
		archive_entry_set_uname(e, "root");
		archive_entry_set_gname(e, "root");
		if (archive_write_header(a, e) != ARCHIVE_OK)
			goto aerr;
		if (i >= 0 && p->m[i].len > 0 && archive_write_data(a,
		    p->m[i].data, p->m[i].len) != (la_ssize_t)p->m[i].len)
			goto aerr;
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		goto aerr;
	ok = 1;
	goto out;
aerr:
	snprintf(err, errlen, "archive: %s", archive_error_string(a) ?
	    archive_error_string(a) : "write failed");
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	archive_entry_free(e);
	if (a != NULL)
		archive_write_free(a);
	if (!ok) {
		free(w.d);
		return -1;
	}
	*out = w.d;
	*outlen = w.len;
	return 0;
}

int
evpkg_read(const void *buf, size_t len, struct evpkg *p, char *err,
    size_t errlen)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*path, *slash;
	unsigned char		*d;
	size_t			 total = 0, sz, toplen;
	la_ssize_t		 n;
	int			 r, rc = -1;

	evpkg_init(p);
	if ((a = archive_read_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK)
		goto aerr;
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK)
			goto aerr;
		/* what the archive unpacked to so far, skipped padding too */
		if (archive_filter_bytes(a, 0) > (la_int64_t)EVPKG_MAX_TOTAL * 2) {
			snprintf(err, errlen, "archive unpacks to more than %u "
			    "bytes", EVPKG_MAX_TOTAL * 2);
			goto out;
		}
		if ((path = archive_entry_pathname(e)) == NULL) {
			snprintf(err, errlen, "archive entry without a name");
			goto out;
		}
		/* Every entry sits in one top folder. */
		if ((slash = strchr(path, '/')) == NULL || slash == path) {
			snprintf(err, errlen, "archive entry outside a top "
			    "folder");
			goto out;
		}
		toplen = (size_t)(slash - path);
		if (p->top == NULL) {
			if (toplen > EVPKG_NAME_MAX ||
			    (p->top = strndup(path, toplen)) == NULL ||
			    evpkg_name_check(p->top, err, errlen) == -1) {
				snprintf(err, errlen, "bad top folder name");
				goto out;
			}
		} else if (toplen != strlen(p->top) ||
		    strncmp(path, p->top, toplen) != 0) {
			snprintf(err, errlen, "archive entries in more than one "
			    "top folder");
			goto out;
		}
		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		if (archive_entry_filetype(e) != AE_IFREG) {
			snprintf(err, errlen, "archive entry that is not a "
			    "regular file");
			goto out;
		}
		if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0 ||
		    (uint64_t)archive_entry_size(e) > EVPKG_MAX_MEMBER ||
		    total + (size_t)archive_entry_size(e) > EVPKG_MAX_TOTAL) {
			snprintf(err, errlen, "archive entry over the size "
			    "limits (%u bytes each, %u in all)", EVPKG_MAX_MEMBER,
			    EVPKG_MAX_TOTAL);
			goto out;
		}
		sz = (size_t)archive_entry_size(e);
		if ((d = malloc(sz + 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		n = sz > 0 ? archive_read_data(a, d, sz) : 0;
		if (n < 0 || (size_t)n != sz) {
			free(d);
			if (n < 0)
				goto aerr;
			snprintf(err, errlen, "archive entry shorter than its "
			    "header says");
			goto out;
		}
		d[sz] = '\0';
		total += sz;
		if (evpkg_add_own(p, slash + 1, d, sz, err, errlen) == -1)
			goto out;
	}
	if (p->n == 0) {
		snprintf(err, errlen, "empty archive");
		goto out;
	}
	rc = 0;
	goto out;
aerr:
	snprintf(err, errlen, "not a readable tar.gz or zip archive: %s",
	    archive_error_string(a) ? archive_error_string(a) : "unknown error");
out:
	archive_read_free(a);
	if (rc == -1)
		evpkg_free(p);
	return rc;
}

/* ---- verification */

static void
problem(struct evpkg_result *res, const char *fmt, const char *name,
    const char *what)
{
	res->ok = 0;
	if (res->nproblems >= EVPKG_MAX_PROBLEMS) {
		res->more++;
		return;
	}
	snprintf(res->problems[res->nproblems++], sizeof(res->problems[0]), fmt,
	    name, what);
}

/* The chain of cert to ca_pem (and crl_pem) at the time now; NULL or why not. */
static const char *
chain_check(X509 *cert, const char *ca_pem, const char *crl_pem,
    char *err, size_t errlen, int *fatal)
{
	X509_STORE	*st = NULL;
	X509_STORE_CTX	*ctx = NULL;
	const char	*why = NULL;

	*fatal = 0;
	if ((st = X509_STORE_new()) == NULL || (ctx = X509_STORE_CTX_new()) ==
	    NULL)
		goto oom;
	if (X509_STORE_load_file(st, ca_pem) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "%s: cannot read the CA certificate", ca_pem);
		*fatal = 1;
		goto out;
	}
	if (crl_pem != NULL && tls_store_load_crls(st, crl_pem, err, errlen) ==
	    -1) {
		*fatal = 1;
		goto out;
	}
	if (X509_STORE_CTX_init(ctx, st, cert, NULL) != 1)
		goto oom;
	if (X509_verify_cert(ctx) != 1)
		why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
	ERR_clear_error();
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
	*fatal = 1;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return why;
}

/* One MANIFEST line "HEX  NAME": 0 and the parts, -1 when malformed. */
static int
manifest_line(char *line, char **hex, char **name)
{
	size_t	 i;

	if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ')
		return -1;
	for (i = 0; i < 64; i++)
		if (!((line[i] >= '0' && line[i] <= '9') ||
		    (line[i] >= 'a' && line[i] <= 'f')))
			return -1;
	line[64] = '\0';
	*hex = line;
	*name = line + 66;
	return 0;
}

int
evpkg_verify(const struct evpkg *p, const char *ca_pem, const char *crl_pem,
    struct evpkg_result *res, char *err, size_t errlen)
{
	const struct evpkg_member *man, *sig, *crt, *m;
	struct tls_peer	 peer;
	EVP_MD_CTX	*md = NULL;
	EVP_PKEY	*pub;
	X509		*cert = NULL;
	const char	*why;
	char		*text = NULL, *line, *next, *hex, *name, dig[65], ebuf[256];
	char		*seen = NULL;
	int		 i, fatal, rc = -1, lineno = 0;

	memset(res, 0, sizeof(*res));
	res->ok = 1;
	man = evpkg_find(p, EVPKG_MANIFEST);
	sig = evpkg_find(p, EVPKG_SIG);
	crt = evpkg_find(p, EVPKG_CERT);
	if (man == NULL)
		problem(res, "%s: %s", EVPKG_MANIFEST, "removed (the package "
		    "has no manifest)");
	if (sig == NULL)
		problem(res, "%s: %s", EVPKG_SIG, "removed (the package is "
		    "not signed)");
	if (crt == NULL)
		problem(res, "%s: %s", EVPKG_CERT, "removed (no signer "
		    "certificate)");
	if (crt != NULL && (cert = cert_from_mem(crt->data, crt->len)) == NULL) {
		ERR_clear_error();
		problem(res, "%s: %s", EVPKG_CERT, "changed (not a PEM "
		    "certificate)");
	}
	if (cert != NULL) {
		name_line(X509_get_subject_name(cert), res->signer,
		    sizeof(res->signer));
		name_line(X509_get_issuer_name(cert), res->issuer,
		    sizeof(res->issuer));
		{
			BIGNUM *bn = ASN1_INTEGER_to_BN(
			    X509_get0_serialNumber(cert), NULL);
			char *h = bn ? BN_bn2hex(bn) : NULL;

			snprintf(res->serial, sizeof(res->serial), "%s",
			    h ? h : "?");
			OPENSSL_free(h);
			BN_free(bn);
		}
		why = chain_check(cert, ca_pem, crl_pem, err, errlen, &fatal);
		if (fatal)
			goto out;
		if (why != NULL)
			problem(res, "%s: signer certificate not trusted: %s",
			    EVPKG_CERT, why);
		else if (!cert_docsign(cert) || tls_cert_identity(cert, &peer,
		    ebuf, sizeof(ebuf)) == -1 || peer.role != TLS_ROLE_SIGNER)
			problem(res, "%s: %s", EVPKG_CERT, "not a signer "
			    "certificate (role tracepair:signer, "
			    "extendedKeyUsage documentSigning)");
		ERR_clear_error();
	}
	if (cert != NULL && man != NULL && sig != NULL) {
		if ((pub = X509_get0_pubkey(cert)) == NULL ||
		    EVP_PKEY_get_base_id(pub) != EVP_PKEY_ED25519)
			problem(res, "%s: %s", EVPKG_CERT, "the signer's key is "
			    "not Ed25519");
		else if ((md = EVP_MD_CTX_new()) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		} else if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, pub) != 1 ||
		    EVP_DigestVerify(md, sig->data, sig->len, man->data,
		    man->len) != 1)
			problem(res, "%s: %s", EVPKG_SIG, "signature does not "
			    "match MANIFEST (MANIFEST or MANIFEST.sig was "
			    "changed, or another key signed it)");
		ERR_clear_error();
	}
	if (man == NULL)
		goto done;
	/* The digests. */
	if ((text = malloc(man->len + 1)) == NULL ||
	    (seen = calloc((size_t)p->n, 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(text, man->data, man->len);
	text[man->len] = '\0';
	if (strlen(text) != man->len || strncmp(text, EVPKG_MAGIC "\n",
	    strlen(EVPKG_MAGIC) + 1) != 0) {
		problem(res, "%s: %s", EVPKG_MANIFEST, "changed (not a tracepair "
		    "evidence manifest)");
		goto done;
	}
	for (line = text; *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) == NULL) {
			problem(res, "%s: %s", EVPKG_MANIFEST, "changed (last line "
			    "unterminated)");
			break;
		}
		*next++ = '\0';
		if (line[0] == '#') {
			if (strncmp(line, "# signed-at ", 12) == 0)
				snprintf(res->signed_at, sizeof(res->signed_at),
				    "%s", line + 12);
			continue;
		}
		if (manifest_line(line, &hex, &name) == -1 ||
		    evpkg_name_check(name, ebuf, sizeof(ebuf)) == -1) {
			snprintf(ebuf, sizeof(ebuf), "changed (line %d is not "
			    "\"SHA256  NAME\")", lineno);
			problem(res, "%s: %s", EVPKG_MANIFEST, ebuf);
			continue;
		}
		res->nfiles++;
		if ((m = evpkg_find(p, name)) == NULL) {
			problem(res, "%s: %s", name, "removed (listed in the "
			    "manifest, not in the package)");
			continue;
		}
		seen[m - p->m] = 1;
		sha256_hex(m->data, m->len, dig);
		if (strcmp(dig, hex) != 0)
			problem(res, "%s: %s", name, "changed (its SHA-256 is "
			    "not the manifest's)");
	}
	for (i = 0; i < p->n; i++)
		if (!seen[i] && strcmp(p->m[i].name, EVPKG_MANIFEST) != 0 &&
		    strcmp(p->m[i].name, EVPKG_SIG) != 0)
			problem(res, "%s: %s", p->m[i].name, "added (not in the "
			    "manifest)");
done:
	rc = 0;
out:
	free(text);
	free(seen);
	EVP_MD_CTX_free(md);
	X509_free(cert);
	return rc;
}
