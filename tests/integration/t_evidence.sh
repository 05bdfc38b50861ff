#!/bin/sh
# t_evidence.sh: evidence packages end to end in the SF <-> Chicago lab: the
# controller packs and signs two stored pairs, `tracepair verify` passes on
# the fresh package (tar.gz and zip, listed by tar and unzip) and fails,
# naming the file, when a member's byte or the manifest changes, a member is
# added or removed, another CA's signer signed it, or the signer is revoked.
# report.html renders in headless Chromium (screenshot in
# docs/evidence-report.png) with both paths and the suspect marked;
# --redact-site-hops hides the sites' first hops before signing.
. tests/lab/lib.sh
. tests/integration/pairlab.sh
require_root
plan 22

W=$(mktemp -d /tmp/t_evidence.XXXXXX)
trap 'pairlab_down; rm -rf "$W"' EXIT INT TERM HUP
TP=$TP_BIN/tracepair
PKI=certs/tp-pki.sh

PAIRLAB_PFX2AS=tests/lab/scenarios/sf-chicago.pfx2as
if ! pairlab_up sf-chicago; then
	pfail "pairlab up (sf-chicago) with both agents registered" "$(pairlab_logs)"
	exit 1
fi
CA=$PAIRLAB_DIR/pki/ca.crt

# two runs: 30 probes per hop, so that the verdict names the lossy link
for i in 1 2; do
	pairlab_cli pair sf-office chicago-office -n -q 30 >"$W/pair$i.txt" 2>&1
	eval "ID$i=\$(sed -n 's/^pair \([^:]*\): .*/\1/p' $W/pair$i.txt | head -1)"
done
pcheck "[ -n '$ID1' ] && [ -n '$ID2' ]" "two stored pairs ($ID1, $ID2)" \
    "$(cat "$W/pair1.txt" "$W/pair2.txt")"

(cd "$W" && pairlab_cli evidence "$ID1" "$ID2" -o ev.tar.gz) >"$W/ev.out" 2>&1
rc=$?
pcheck "[ $rc -eq 0 ] && [ -s $W/ev.tar.gz ]" "evidence ID1 ID2 -o ev.tar.gz (exit $rc)" \
    "$(cat "$W/ev.out"; pairlab_logs | tail -20)"
tar tzf "$W/ev.tar.gz" >"$W/list" 2>&1
pcheck "grep -q '/SUMMARY.txt\$' $W/list && grep -q '/report.html\$' $W/list &&
    grep -q '/pair.json\$' $W/list && grep -q '/MANIFEST\$' $W/list &&
    grep -q '/MANIFEST.sig\$' $W/list && grep -q '/signer.pem\$' $W/list &&
    grep -q 'runs/$ID1/forward-traceroute.txt\$' $W/list &&
    grep -q 'runs/$ID2/reverse-mtr.txt\$' $W/list" \
    "tar tzf lists every member" "$(cat "$W/list")"
"$TP" verify "$W/ev.tar.gz" --ca "$CA" >"$W/v.out" 2>&1
rc=$?
pcheck "[ $rc -eq 0 ] && grep -q '^OK' $W/v.out && grep -q 'CN=evsign' $W/v.out" \
    "verify: OK, signed by evsign (exit $rc)" "$(cat "$W/v.out")"
mkdir -p "$W/x" && tar xzf "$W/ev.tar.gz" -C "$W/x"
TOP=$(ls "$W/x")
S=$W/x/$TOP/SUMMARY.txt
pcheck "grep -q 'Site A: agent sf-office, address 198.18.10.1\$' $S &&
    grep -q '^  2 run(s) from ' $S && grep -q '^SUSPECT' $S && grep -q '198.18.10.22' $S &&
    (cd $W/x/$TOP && sha256sum -c --quiet MANIFEST)" \
    "SUMMARY.txt names sites, runs and the suspect; sha256sum -c MANIFEST passes" \
    "$(cat "$S")"

# A tampered package: repack the tree in $W/t after CHANGE, verify, expect NAME.
tamper() {	# DESCRIPTION EXPECTED-LINE SHELL-CHANGE
	rm -rf "$W/t" && cp -r "$W/x" "$W/t"
	(cd "$W/t/$TOP" && eval "$3")
	tar czf "$W/t.tar.gz" -C "$W/t" "$TOP"
	"$TP" verify "$W/t.tar.gz" --ca "$CA" >"$W/t.out" 2>&1
	rc=$?
	pcheck "[ $rc -eq 1 ] && grep -q '$2' $W/t.out && ! grep -q '^OK' $W/t.out" \
	    "verify fails naming the file: $1 (exit $rc)" "$(cat "$W/t.out")"
}
tamper "one byte of SUMMARY.txt" '^FAILED: SUMMARY.txt: changed' \
    "printf 'X' | dd of=SUMMARY.txt bs=1 seek=10 conv=notrunc 2>/dev/null"
tamper "one byte of a trace" "^FAILED: runs/$ID1/forward-traceroute.txt: changed" \
    "printf 'X' | dd of=runs/$ID1/forward-traceroute.txt bs=1 seek=5 conv=notrunc 2>/dev/null"
tamper "one byte of MANIFEST" '^FAILED: MANIFEST.sig: signature does not match' \
    "sed -i '2s/./X/5' MANIFEST"
tamper "a member added" '^FAILED: extra.txt: added' "echo hi >extra.txt"
tamper "a member removed" '^FAILED: pair.json: removed' "rm pair.json"

# Signed by another CA's signer: re-sign the manifest with its key.
sh "$PKI" init "$W/ca2" >/dev/null 2>&1
sh "$PKI" issue "$W/ca2" signer evsign --org acme >/dev/null 2>&1
tamper "signed by another CA's signer" '^FAILED: signer.pem: signer certificate not trusted' \
    "openssl pkeyutl -sign -inkey $W/ca2/evsign.key -rawin -in MANIFEST -out MANIFEST.sig &&
     cp $W/ca2/evsign.crt signer.pem && sed -i '/  signer.pem\$/d' MANIFEST &&
     openssl pkeyutl -sign -inkey $W/ca2/evsign.key -rawin -in MANIFEST -out MANIFEST.sig"

# The zip form lists with unzip and verifies.
(cd "$W" && pairlab_cli evidence "$ID2" --format zip -o ev.zip) >"$W/z.out" 2>&1
unzip -l "$W/ev.zip" >"$W/zl" 2>&1
"$TP" verify "$W/ev.zip" --ca "$CA" >"$W/zv" 2>&1
rc=$?
pcheck "grep -q '/SUMMARY.txt\$' $W/zl && grep -q '/MANIFEST.sig\$' $W/zl && [ $rc -eq 0 ]" \
    "--format zip: unzip -l lists it, verify OK (exit $rc)" "$(cat "$W/z.out" "$W/zl" "$W/zv")"

# Redaction before signing: the sites' first hop is gone from every file.
(cd "$W" && pairlab_cli evidence "$ID1" --redact-site-hops 1 -o red.tar.gz) >"$W/r.out" 2>&1
mkdir -p "$W/r" && tar xzf "$W/red.tar.gz" -C "$W/r" 2>/dev/null
RT=$W/r/$(ls "$W/r")
"$TP" verify "$W/red.tar.gz" --ca "$CA" >"$W/rv" 2>&1
rc=$?
pcheck "[ $rc -eq 0 ] && grep -q 'first 1 hop' $RT/SUMMARY.txt &&
    ! grep -rq '198\\.18\\.10\\.2\\b' $RT && grep -q 'redacted-A1' $RT/runs/$ID1/forward-traceroute.txt" \
    "--redact-site-hops 1: stated, 198.18.10.2 in no file, verify OK" "$(cat "$W/r.out" "$W/rv")"

# Redacting a chosen prefix: geo-ic's 198.18.10.6 (forward hop 2) is gone
# from every file (the unredacted package above has it), the package says
# which prefix, and it verifies.
(cd "$W" && pairlab_cli evidence "$ID1" --redact-prefix 198.18.10.4/30 -o rp.tar.gz) >"$W/rp.out" 2>&1
mkdir -p "$W/rp" && tar xzf "$W/rp.tar.gz" -C "$W/rp" 2>/dev/null
RP=$W/rp/$(ls "$W/rp")
"$TP" verify "$W/rp.tar.gz" --ca "$CA" >"$W/rpv" 2>&1
rc=$?
pcheck "[ $rc -eq 0 ] && grep -q 'replies from 198.18.10.4/30' $RP/SUMMARY.txt &&
    jq -e '[.. | strings | select(test(\"198.18.10.4/30\"))] | length > 0' $RP/pair.json >/dev/null &&
    grep -rq '198\\.18\\.10\\.6\\b' $W/x &&
    ! grep -rq '198\\.18\\.10\\.6\\b' $RP" \
    "--redact-prefix 198.18.10.4/30: stated in SUMMARY.txt and pair.json, 198.18.10.6 in no file, verify OK" \
    "$(cat "$W/rp.out" "$W/rpv"; grep -rn '198\.18\.10\.6' $RP | head -3)"

# Another tenant's operator cannot package our pairs; unknown ids are refused.
PAIRLAB_OPERATOR=mallory pairlab_cli evidence "$ID1" -o "$W/m.tar.gz" >"$W/m.out" 2>&1
rc=$?
pcheck "[ $rc -eq 4 ] && grep -q 'no such pair' $W/m.out && [ ! -e $W/m.tar.gz ]" \
    "another tenant: no such pair (exit $rc)" "$(cat "$W/m.out")"
echo "not a package" >"$W/bad.tar.gz"
"$TP" verify "$W/bad.tar.gz" --ca "$CA" >"$W/b.out" 2>&1
rc=$?
pcheck "[ $rc -eq 1 ] && [ \$(wc -l <$W/b.out) -eq 1 ] && grep -q '^FAILED: ' $W/b.out" \
    "verify of a file that is no archive: one FAILED line, exit 1 (exit $rc)" "$(cat "$W/b.out")"

# Revoked signer: with the CRL the same package fails.
sh "$PKI" revoke "$PAIRLAB_DIR/pki" evsign >/dev/null 2>&1
"$TP" verify "$W/ev.tar.gz" --ca "$CA" --crl "$PAIRLAB_DIR/pki/crl.pem" >"$W/rev.out" 2>&1
rc=$?
pcheck "[ $rc -eq 1 ] && grep -q '^FAILED: signer.pem: signer certificate not trusted: certificate revoked' $W/rev.out" \
    "verify --crl: a revoked signer fails (exit $rc)" "$(cat "$W/rev.out")"

# The signer certificate cannot log in; the controller refuses a key that
# cannot sign (-n: an EC P-256 TLS key is not Ed25519).
PAIRLAB_OPERATOR=evsign pairlab_cli agents >"$W/s.out" 2>&1
rc=$?
pcheck "[ $rc -ne 0 ] && ! grep -q sf-office $W/s.out" \
    "the signer certificate is refused as an operator (exit $rc)" "$(cat "$W/s.out")"
sed -e "s|^evidence_key .*|evidence_key $PAIRLAB_DIR/pki/ctl.key|" \
    -e "s|^evidence_cert .*|evidence_cert $PAIRLAB_DIR/pki/ctl.crt|" \
    "$PAIRLAB_DIR/controller.conf" >"$W/bad.conf"
"$TP_BIN/tracepair-controller" -n --config "$W/bad.conf" >"$W/n.out" 2>&1
rc=$?
pcheck "[ $rc -ne 0 ] && grep -q 'not Ed25519' $W/n.out" \
    "controller -n refuses an evidence key that is not Ed25519 (exit $rc)" "$(cat "$W/n.out")"

# A package larger than one reply frame is refused with its size: the
# controller restarted with a 16 KiB frame limit (the packages above are
# about 25 KB).
pairlab_stop_controller
echo "frame_limit 16384" >>"$PAIRLAB_DIR/controller.conf"
pairlab_start_controller
pairlab_wait_agents 2 30
(cd "$W" && pairlab_cli evidence "$ID1" "$ID2" -o big.tar.gz) >"$W/big.out" 2>&1
rc=$?
pcheck "[ $rc -eq 2 ] && grep -q 'is larger than one reply may be' $W/big.out && [ ! -e $W/big.tar.gz ]" \
    "a package over the frame limit: refused with its size (exit $rc)" "$(cat "$W/big.out")"

# report.html in headless Chromium: its DOM has both paths and the suspect.
if command -v chromium >/dev/null 2>&1; then
	CH="chromium --headless --no-sandbox --disable-gpu --user-data-dir=$W/chrome"
	timeout 120 $CH --dump-dom "file://$W/x/$TOP/report.html" >"$W/dom.html" 2>/dev/null
	pcheck "grep -q 'class=\"path fwd\"' $W/dom.html && grep -q 'class=\"path rev\"' $W/dom.html &&
	    grep -q 'id=\"suspect\"' $W/dom.html && grep -q 'class=\"hop fwd onset\"' $W/dom.html" \
	    "report.html renders in Chromium: both paths, the suspect link, a loss onset"
	timeout 120 $CH --hide-scrollbars --window-size=800,1400 \
	    --screenshot="$W/shot.png" "file://$W/x/$TOP/report.html" >/dev/null 2>&1
	pcheck "[ -s $W/shot.png ] && cp $W/shot.png docs/evidence-report.png" \
	    "screenshot saved as docs/evidence-report.png"
else
	skip "report.html in Chromium" "chromium not installed (deploy/install-deps.sh)"
	skip "screenshot" "chromium not installed"
fi
