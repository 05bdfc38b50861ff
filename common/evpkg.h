/* evpkg.h: evidence packages: members, a signed SHA-256 MANIFEST, tar.gz/zip through libarchive, and the offline check. */
#ifndef TRACEPAIR_EVPKG_H
#define TRACEPAIR_EVPKG_H

#include <stddef.h>

/*
 * A package is a flat list of named files.  The writer (the controller)
 * adds the members, signs (evpkg_sign adds MANIFEST, MANIFEST.sig and
 * signer.pem) and writes one archive whose entries all sit in one top
 * folder; the reader (tracepair verify) reads an archive back with the
 * limits below and evpkg_verify checks it.  docs/evidence.md describes
 * the format.
 */
#define EVPKG_MAX_MEMBERS	512		/* files in one package */
#define EVPKG_MAX_MEMBER	(16u << 20)	/* bytes of one file */
#define EVPKG_MAX_TOTAL		(64u << 20)	/* bytes of all files */
#define EVPKG_NAME_MAX		200		/* bytes of a member's name */
#define EVPKG_MANIFEST		"MANIFEST"
#define EVPKG_SIG		"MANIFEST.sig"
#define EVPKG_CERT		"signer.pem"

/* One file of a package. */
struct evpkg_member {
	char		*name;		/* relative path: [A-Za-z0-9._-] parts joined by '/' */
	unsigned char	*data;		/* its bytes (malloc'ed) */
	size_t		 len;
};

/* A package in memory. */
struct evpkg {
	struct evpkg_member *m;		/* members, in the order added or read */
	int		 n;
	char		*top;		/* the archive's top folder, or NULL */
};

enum evpkg_format {
	EVPKG_TARGZ = 0,	/* POSIX pax tar, gzip */
	EVPKG_ZIP		/* zip, deflate */
};

void	 evpkg_init(struct evpkg *);
void	 evpkg_free(struct evpkg *);
/* Returns -1 when the name is not a member name (why in err). */
int	 evpkg_name_check(const char *name, char *err, size_t errlen);
/* Add a copy of data as name; -1 (err) on a bad or repeated name, a limit, memory. */
int	 evpkg_add(struct evpkg *, const char *name, const void *data,
	    size_t len, char *err, size_t errlen);
const struct evpkg_member *evpkg_find(const struct evpkg *, const char *name);
/* Parses "tar.gz" (also "tgz") or "zip"; -1 otherwise. */
int	 evpkg_format_parse(const char *, enum evpkg_format *);
const char *evpkg_format_ext(enum evpkg_format);

/*
 * Sign: write MANIFEST (header lines with the signing time and signer,
 * then "SHA256HEX  NAME" for every member and the signer's certificate,
 * as `sha256sum -c` reads it), MANIFEST.sig (the raw Ed25519 signature
 * of MANIFEST, through EVP_DigestSign) and signer.pem.  key_pem and
 * cert_pem are PEM files; the key must be Ed25519 and match the
 * certificate.  when: UNIX time written as signed-at.  -1 with err.
 */
int	 evpkg_sign(struct evpkg *, const char *key_pem, const char *cert_pem,
	    double when, char *err, size_t errlen);
/*
 * Check that a key and certificate can sign (Ed25519, matching,
 * documentSigning EKU): the controller's -n and start-up.  -1 with err.
 */
int	 evpkg_signer_check(const char *key_pem, const char *cert_pem,
	    char *err, size_t errlen);

/*
 * The archive of a package: every member under top/ (a folder name,
 * checked like a member name), times set to mtime so that the same
 * package gives the same bytes.  *out is malloc'ed.  -1 with err.
 */
int	 evpkg_write(const struct evpkg *, enum evpkg_format, const char *top,
	    double mtime, unsigned char **out, size_t *outlen, char *err,
	    size_t errlen);
/*
 * Read an archive (tar, tar.gz or zip, told by its bytes) of at most
 * the limits above: regular files only, all under one top folder, names
 * as evpkg_name_check wants, none twice.  -1 with err (a bad archive).
 */
int	 evpkg_read(const void *buf, size_t len, struct evpkg *, char *err,
	    size_t errlen);

/* What evpkg_verify found. */
#define EVPKG_MAX_PROBLEMS	64
struct evpkg_result {
	int		 ok;		/* 1: signature, chain and every digest good */
	char		 signer[256];	/* subject of the signing certificate, "" unknown */
	char		 issuer[256];	/* its issuer */
	char		 serial[80];	/* its serial number (hex) */
	char		 signed_at[40];	/* as MANIFEST says, "" unknown */
	int		 nfiles;	/* files the manifest lists */
	int		 nproblems;
	char		 problems[EVPKG_MAX_PROBLEMS][320];	/* "NAME: what is wrong" */
	int		 more;		/* problems left out */
};

/*
 * Check a package offline: signer.pem chains to ca_pem (and, when crl_pem
 * is not NULL, is not revoked by that CRL, which the CA must have signed)
 * and is a signer certificate (documentSigning); MANIFEST.sig is its
 * signature of MANIFEST; every file MANIFEST lists is there with its
 * digest, and no other file is.  Fills res (each problem names its file).
 * -1 with err only when the check could not run (unreadable CA/CRL file,
 * memory); a package that fails is 0 with res->ok 0.
 */
int	 evpkg_verify(const struct evpkg *, const char *ca_pem,
	    const char *crl_pem, struct evpkg_result *res, char *err,
	    size_t errlen);

#endif
