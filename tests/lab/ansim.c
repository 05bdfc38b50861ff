/*
 * ansim.c: tp-ansim, the false-failure calculator of the analysis lab tests:
 * how often does the analysis of a pair give a verdict other than the right
 * one when only the packet sampling differs?
 *
 *   tp-ansim [-a1cdj] [-n TRIALS] [-o DIR] [-q PROBES] [-s SEED] [-F BUDGET [-i SECS] [-w SECS]] [-P FACTOR]
 *            FWD.json REV.json FWDLOSS REVLOSS
 *
 * FWD.json and REV.json are a real pair from the lab (tracepair-agent trace
 * --json) whose analysis is the right verdict.  FWDLOSS and REVLOSS give,
 * per TTL (comma-separated, TTL 1 first, missing = 0), the probability that
 * a probe of that hop or its reply is lost in the scenario (e.g. 30 % one
 * way on the link before hop 3: "0,0,.3,.3,.3").  Each trial redraws every
 * probe of every hop that answered in the template (PROBES probes per hop,
 * default the template's), independently with that probability, analyses
 * the pair and compares its key (first suspect: kind and addresses; loss
 * onset TTL each way; -a: every suspect) with the template's.  Prints the keys seen, then
 *
 *   mismatch K of N: p = K/N, 95 % upper bound U
 *
 * (U: K + 1.96 sqrt(K) + 2 over N, roughly, and 3/N when K = 0), which is the
 * false-failure probability of a check that compares that key.
 *
 * -1: the key is the first suspect alone (kind and addresses).  -d: an
 * inconclusive verdict's key is "inconclusive" (a check that wants the
 * verdict decided).  -F BUDGET:
 * the controller's follow-up round too (followup.h): a trial whose first
 * round is inconclusive is planned with BUDGET seconds less the first
 * round's PROBES x SECS (-i, 0.5: a loss measurement's rounds; for a
 * --quick pair the controller's pacing, probe_opts_round_s, 0.015 for 30
 * hops) + SECS (-w, 5), the planned hops are
 * redrawn with the planned probes and merged, and the key is the merged
 * pair's (a first round decided below 0.90 gets a confirming round, as
 * the controller gives it); it also prints how often the first round
 * decided firmly, how often no
 * follow-up could run, and how often one ran and the key was right.  -k
 * KEY: compare with KEY, not with the template's own key.  -c: the key is
 * the chosen (not alternative) suspects as a set, in a fixed order (a
 * check that wants every fault of the scenario named, in any order).
 * -j: the summary as one JSON object (keys with counts, the mismatch and
 * its bound, the follow-up figures) instead of the lines above.  -o DIR:
 * the first ANSIM_KEEP mismatched pairs (after any follow-up) are written
 * there as N-fwd.json and N-rev.json, to study with RT_DEBUG.  -P FACTOR:
 * the follow-up of a pasted pair: a trial whose verdict asks for N probes
 * per hop (to decide it, or to confirm it below 0.90) is drawn again
 * whole with FACTOR x N probes per hop (at most 1000), as a user who
 * reruns the tool as the verdict says, and the key is that pair's; it
 * also prints how many asked and how many were right after the rerun.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "analysis.h"
#include "followup.h"
#include "trace.h"

#define KEY_LEN		512
#define MAX_KEYS	4096	/* -a over a few hops: hundreds of keys */
#define ANSIM_MAX_CHOSEN 8	/* -c: chosen suspects in one key */
#define ANSIM_KEEP	20	/* -o: mismatched pairs written */

/* The distinct keys seen, with counts. */
struct keycount {
	char		 key[KEY_LEN];
	long		 n;
};

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;
static int	decided_key;	/* -d: an inconclusive verdict is its own key */
static int	chosen_key;	/* -c: the key is the chosen suspects, as a set */

/* xorshift64*: uniform in [0, 1) */
static double
uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 0x2545f4914f6cdd1dULL) >> 11) / 9007199254740992.0;
}

static struct trace *
load(const char *path)
{
	FILE	*f;
	char	*buf, errbuf[256];
	long	 n;
	struct trace *t;

	if ((f = fopen(path, "rb")) == NULL)
		err(1, "%s", path);
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1)
		err(1, "%s", path);
	if ((buf = malloc((size_t)n + 1)) == NULL)
		err(1, NULL);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		errx(1, "%s: short read", path);
	fclose(f);
	if ((t = trace_from_json(buf, (size_t)n, errbuf, sizeof(errbuf))) == NULL)
		errx(1, "%s: %s", path, errbuf);
	free(buf);
	return t;
}

/* "0,0,.3" -> loss[1..]; returns the number of TTLs given */
static void
parse_loss(const char *s, double loss[TRACE_MAX_TTL + 1])
{
	char	*end;
	int	 ttl = 1;

	memset(loss, 0, sizeof(double) * (TRACE_MAX_TTL + 1));
	while (*s != '\0' && ttl <= TRACE_MAX_TTL) {
		loss[ttl] = strtod(s, &end);
		if (end == s || loss[ttl] < 0 || loss[ttl] > 1)
			errx(1, "bad loss list at '%s'", s);
		ttl++;
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			errx(1, "bad loss list at '%s'", s);
	}
}

/*
 * A copy of tmpl whose answering hops have q probes each, every one an
 * image of the hop's first answered probe, answered with probability
 * 1 - loss[ttl].  Hops that never answered stay unanswered.
 */
static struct trace *
redraw(const struct trace *tmpl, const double loss[TRACE_MAX_TTL + 1], int q)
{
	struct trace	*t;
	int		 i, k, nq;
	char		 errbuf[256];
	char		*js;

	/* a deep copy through JSON: the model has no copy function */
	if ((js = trace_to_json(tmpl, 0)) == NULL)
		errx(1, "trace_to_json failed");
	if ((t = trace_from_json(js, strlen(js), errbuf, sizeof(errbuf))) == NULL)
		errx(1, "copy: %s", errbuf);
	free(js);
	for (i = 0; i < t->nhops; i++) {
		struct trace_hop *h = &t->hops[i];
		const struct trace_probe *model = NULL;
		struct trace_probe m;
		struct trace_probe_more mm;
		int	 has_more;

		for (k = 0; k < h->nprobes; k++)
			if (h->probes[k].replied) {
				model = &h->probes[k];
				break;
			}
		nq = q > 0 ? q : h->nprobes;
		/* a loss measurement's echo figures would stand in for the
		   probes drawn here (trace_hop_stats): the draw replaces them */
		h->loss_by_echo = 0;
		h->echo_sent = h->echo_received = 0;
		if (model == NULL) {
			for (k = 0; k < h->nprobes; k++)
				h->probes[k].replied = 0;
			continue;
		}
		/*
		 * The model's strings are the hop's and outlive its probes;
		 * its rare fields (but the quoted diff) are copied before
		 * they are freed with it.
		 */
		m = *model;
		m.more = NULL;
		memset(&mm, 0, sizeof(mm));
		if ((has_more = model->more != NULL)) {
			mm = *model->more;
			mm.quoted_diff = NULL;
		}
		trace_hop_truncate(h, 0);
		for (k = 0; k < nq; k++) {
			struct trace_probe *p = trace_hop_add_probe(h);

			if (p == NULL)
				errx(1, "out of memory");
			*p = m;
			if (has_more) {
				if (trace_probe_more_alloc(p) == NULL)
					errx(1, "out of memory");
				*p->more = mm;
			}
			p->replied = h->ttl >= 1 && h->ttl <= TRACE_MAX_TTL ?
			    uniform() >= loss[h->ttl] : 1;
		}
	}
	if (q > 0)
		t->queries = q;
	return t;
}

/*
 * A second round of tmpl over hops lo..hi (redraw's, the other hops
 * dropped).
 */
static struct trace *
redraw_range(const struct trace *tmpl, const double loss[TRACE_MAX_TTL + 1],
    int q, int lo, int hi)
{
	struct trace	*t = redraw(tmpl, loss, q);
	int		 i;

	for (i = 0; i < t->nhops; i++) {
		struct trace_hop *h = &t->hops[i];

		if (h->ttl >= lo && h->ttl <= hi)
			continue;
		trace_hop_truncate(h, 0);
	}
	return t;
}

/*
 * The verdict fields the lab tests compare: the first suspect (kind, its two
 * addresses, where loss begins, which traces point at it) and the loss onset
 * TTL each way; with all = 1, every suspect.
 */
static void
key_of(const struct analysis *a, int all, char key[KEY_LEN])
{
	size_t	 len;
	int	 i, n;

	if (decided_key && a->inconclusive) {
		snprintf(key, KEY_LEN, "inconclusive");
		return;
	}
	len = (size_t)snprintf(key, KEY_LEN, "onset fwd %d rev %d;",
	    a->loss[ANALYSIS_FORWARD].persistent ? a->loss[ANALYSIS_FORWARD].onset.ttl : 0,
	    a->loss[ANALYSIS_REVERSE].persistent ? a->loss[ANALYSIS_REVERSE].onset.ttl : 0);
	if (all == 2)	/* -1: the first suspect alone */
		len = 0;
	if (chosen_key) {
		char	 one[ANSIM_MAX_CHOSEN][160], tmp[160];
		int	 k = 0, x;

		for (i = 0; i < a->nsuspects && k < ANSIM_MAX_CHOSEN; i++) {
			const struct analysis_suspect *s = &a->suspects[i];

			if (s->alternative)
				continue;
			snprintf(one[k], sizeof(one[k]), " %s %s %s%s",
			    analysis_suspect_kind_name(s->kind), s->a.addr,
			    s->b.addr[0] ? s->b.addr : "-",
			    s->kind == ANALYSIS_SUSPECT_ROUTER ? (s->after ?
			    " after" : " at") : s->bothways ? " both" : "");
			for (x = k++; x > 0 && strcmp(one[x - 1], one[x]) > 0; x--) {
				memcpy(tmp, one[x], sizeof(tmp));
				memcpy(one[x], one[x - 1], sizeof(tmp));
				memcpy(one[x - 1], tmp, sizeof(tmp));
			}
		}
		len = (size_t)snprintf(key, KEY_LEN, "chosen:");
		for (i = 0; i < k && len < KEY_LEN; i++)
			len += (size_t)snprintf(key + len, KEY_LEN - len, "%s",
			    one[i]);
		if (k == 0)
			snprintf(key + len, KEY_LEN - len, " none");
		return;
	}
	n = a->nsuspects < 1 || all == 1 ? a->nsuspects : 1;
	if (n == 0)
		snprintf(key + len, KEY_LEN - len, " no suspect");
	for (i = 0; i < n && len < KEY_LEN; i++) {
		const struct analysis_suspect *s = &a->suspects[i];

		len += (size_t)snprintf(key + len, KEY_LEN - len, " %s %s %s%s%s%s",
		    analysis_suspect_kind_name(s->kind), s->a.addr,
		    s->b.addr[0] ? s->b.addr : "-",
		    s->kind == ANALYSIS_SUSPECT_ROUTER ? (s->after ? " after" : " at") : "",
		    s->seen_fwd ? " F" : "", s->seen_rev ? " R" : "");
	}
}

/* -o: mismatched pair number n, as dir/n-fwd.json and dir/n-rev.json. */
static void
keep_pair(const char *dir, long n, const struct trace *f, const struct trace *r)
{
	char	 path[1024], *js;
	FILE	*fp;
	int	 d;

	for (d = 0; d < 2; d++) {
		snprintf(path, sizeof(path), "%s/%ld-%s.json", dir, n,
		    d == 0 ? "fwd" : "rev");
		if ((js = trace_to_json(d == 0 ? f : r, 0)) == NULL)
			errx(1, "trace_to_json failed");
		if ((fp = fopen(path, "w")) == NULL)
			err(1, "%s", path);
		fputs(js, fp);
		if (fclose(fp) == EOF)
			err(1, "%s", path);
		free(js);
	}
}

/* -j: the summary as one JSON object on stdout. */
static void
json_summary(const char *want, const struct keycount *keys, int nkeys,
    const struct keycount *whys, int nwhys, long n, long bad, double up,
    int fu, long decided, long none, long ranok)
{
	json_t	*o, *k, *w;
	char	*s;
	int	 j;

	if ((o = json_object()) == NULL || (k = json_object()) == NULL ||
	    (w = json_object()) == NULL)
		errx(1, "out of memory");
	for (j = 0; j < nkeys; j++)
		json_object_set_new(k, keys[j].key, json_integer(keys[j].n));
	for (j = 0; j < nwhys; j++)
		json_object_set_new(w, whys[j].key, json_integer(whys[j].n));
	json_object_set_new(o, "template", json_string(want));
	json_object_set_new(o, "trials", json_integer(n));
	json_object_set_new(o, "keys", k);
	json_object_set_new(o, "mismatch", json_integer(bad));
	json_object_set_new(o, "p", json_real((double)bad / n));
	json_object_set_new(o, "upper95", json_real(up));
	if (fu) {
		json_object_set_new(o, "first_round_decided", json_integer(decided));
		json_object_set_new(o, "no_follow_up", json_integer(none));
		json_object_set_new(o, "follow_up_right", json_integer(ranok));
		json_object_set_new(o, "no_follow_up_why", w);
	} else
		json_decref(w);
	if ((s = json_dumps(o, JSON_SORT_KEYS)) == NULL)
		errx(1, "out of memory");
	printf("%s\n", s);
	free(s);
	json_decref(o);
}

static struct analysis *
analyse(const struct trace *f, const struct trace *r)
{
	struct analysis	*a;
	char		 errbuf[256];

	if ((a = analysis_run(f, r, NULL, errbuf, sizeof(errbuf))) == NULL)
		errx(1, "analysis: %s", errbuf);
	return a;
}

static void
usage(void)
{
	fprintf(stderr, "usage: tp-ansim [-a1cdj] [-n TRIALS] [-o DIR] [-q PROBES] [-s SEED] "
	    "[-F BUDGET [-i SECS] [-w SECS]] [-P FACTOR]\n"
	    "                FWD.json REV.json FWDLOSS REVLOSS\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct keycount	 keys[MAX_KEYS], whys[MAX_KEYS];
	struct trace	*tf, *tr, *f, *r;
	struct analysis	*a;
	double		 lf[TRACE_MAX_TTL + 1], lr[TRACE_MAX_TTL + 1], up;
	char		 want[KEY_LEN], got[KEY_LEN], *end;
	long		 n = 100000, i, bad = 0, decided = 0, none = 0, ranok = 0;
	long		 ranokinc = 0;	/* of ranok, after an inconclusive first round */
	int		 wasinc;
	const char	*wantkey = NULL;
	int		 ran;
	int		 ch, q = 0, nkeys = 0, j, all = 0, d, nwhys = 0;
	int		 need;		/* -P: the probes per hop a verdict asks */
	int		 json_out = 0;
	const char	*keep = NULL;
	double		 budget = 0, ival = 0.5, wait = 5, pfac = 0;
	long		 asked = 0;	/* -P: verdicts that asked for probes */
	double		 askedq = 0;	/* -P: the probes per hop they asked, summed */
	struct followup_plan fp;
	char		 why[FOLLOWUP_WHY_LEN];

	while ((ch = getopt(argc, argv, "a1cdjk:n:o:q:s:F:i:w:P:")) != -1) {
		switch (ch) {
		case 'c':
			chosen_key = 1;
			break;
		case 'j':
			json_out = 1;
			break;
		case 'o':
			keep = optarg;
			break;
		case 'k':
			wantkey = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case '1':
			all = 2;
			break;
		case 'd':
			decided_key = 1;
			break;
		case 'F':
		case 'i':
		case 'w':
		case 'P':
			up = strtod(optarg, &end);
			if (*end != '\0' || !(up > 0))
				usage();
			if (ch == 'F')
				budget = up;
			else if (ch == 'P')
				pfac = up;
			else if (ch == 'i')
				ival = up;
			else
				wait = up;
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1)
				usage();
			break;
		case 'q':
			q = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || q < 1 || q > TRACE_MAX_QUERIES)
				usage();
			break;
		case 's':
			rng = strtoull(optarg, &end, 0);
			if (*end != '\0' || rng == 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 4)
		usage();
	tf = load(argv[0]);
	tr = load(argv[1]);
	parse_loss(argv[2], lf);
	parse_loss(argv[3], lr);
	a = analyse(tf, tr);
	key_of(a, all, want);
	if (wantkey != NULL)
		snprintf(want, KEY_LEN, "%s", wantkey);
	analysis_free(a);
	if (!json_out)
		printf("template: %s\n", want);
	for (i = 0; i < n; i++) {
		f = redraw(tf, lf, q);
		r = redraw(tr, lr, q);
		a = analyse(f, r);
		ran = 0;
		wasinc = a->inconclusive;
		if (budget > 0 && !a->inconclusive && !a->confirm)
			decided++;
		else if (budget > 0 && followup_plan(a, q > 0 ? q :
		    tf->queries, budget - (q > 0 ? q : tf->queries) * ival -
		    wait, ival, wait, &fp, why, sizeof(why)) == 1) {
			for (d = 0; d < 2; d++) {
				struct trace **t = d == 0 ? &f : &r;
				struct trace *x, *m;

				if (fp.ttl_lo[d] == 0)
					continue;
				x = redraw_range(d == 0 ? tf : tr, d == 0 ?
				    lf : lr, fp.queries, fp.ttl_lo[d],
				    fp.ttl_hi[d]);
				if ((m = followup_merge(*t, x, NULL, NULL)) ==
				    NULL)
					errx(1, "out of memory");
				trace_free(x);
				trace_free(*t);
				*t = m;
			}
			analysis_free(a);
			a = analyse(f, r);
			ran = 1;
		} else if (pfac > 0 && (need = a->inconclusive ?
		    a->probes_rerun : analysis_confirm_probes(a)) > 0) {
			/* -P: a pasting user reruns the tool with what the
			   verdict asks for, times pfac: a fresh pair */
			double	 nq = ceil(pfac * need);

			asked++;
			askedq += need;
			if (nq > TRACE_MAX_QUERIES)
				nq = TRACE_MAX_QUERIES;
			trace_free(f);
			trace_free(r);
			f = redraw(tf, lf, (int)nq);
			r = redraw(tr, lr, (int)nq);
			analysis_free(a);
			a = analyse(f, r);
			ran = 1;
		} else if (budget > 0) {
			none++;
			for (j = 0; j < nwhys && strcmp(whys[j].key, why) != 0;
			    j++)
				;
			if (j == nwhys && nwhys < MAX_KEYS) {
				snprintf(whys[j].key, KEY_LEN, "%s", why);
				whys[j].n = 0;
				nwhys++;
			}
			if (j < nwhys)
				whys[j].n++;
		}
		key_of(a, all, got);
		analysis_free(a);
		if (strcmp(got, want) != 0 && keep != NULL && bad < ANSIM_KEEP)
			keep_pair(keep, bad, f, r);
		trace_free(f);
		trace_free(r);
		if (strcmp(got, want) != 0)
			bad++;
		else
			ranok += ran, ranokinc += ran && wasinc;
		for (j = 0; j < nkeys && strcmp(keys[j].key, got) != 0; j++)
			;
		if (j == nkeys && nkeys < MAX_KEYS) {
			snprintf(keys[j].key, KEY_LEN, "%s", got);
			keys[j].n = 0;
			nkeys++;
		}
		if (j < nkeys)
			keys[j].n++;
	}
	up = bad == 0 ? 3.0 / n : (bad + 1.96 * sqrt((double)bad) + 2) / n;
	if (json_out) {
		json_summary(want, keys, nkeys, whys, nwhys, n, bad, up,
		    budget > 0, decided, none, ranok);
		trace_free(tf);
		trace_free(tr);
		return 0;
	}
	for (j = 0; j < nkeys; j++)
		printf("%10ld  %s\n", keys[j].n, keys[j].key);
	printf("mismatch %ld of %ld: p = %.2g, 95 %% upper bound %.2g\n", bad, n,
	    (double)bad / n, up);
	if (budget > 0)
		printf("first round decided %ld of %ld, no follow-up possible "
		    "%ld; a follow-up ran and the key is right: %ld (after an "
		    "inconclusive first round: %ld)\n", decided, n, none, ranok,
		    ranokinc);
	if (pfac > 0)
		printf("a rerun at %.2f x the probes asked for: %ld of %ld asked "
		    "(%.0f probes per hop on average); after it the key is right: "
		    "%ld\n", pfac, asked, n, asked ? askedq / asked : 0, ranok);
	for (j = 0; j < nwhys; j++)
		printf("%10ld  no follow-up: %s\n", whys[j].n, whys[j].key);
	trace_free(tf);
	trace_free(tr);
	return 0;
}
