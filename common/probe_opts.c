/* probe_opts.c: defaults, traceroute-style parsing and checking of one trace's options. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "probe_opts.h"

const char probe_opts_usage[] =
"  -4                 use IPv4 only\n"
"  -6                 use IPv6 only\n"
"  -I                 ICMP echo probes (with --paris: constant checksum)\n"
"  -T                 TCP SYN probes (port 80 unless -p)\n"
"  -U                 UDP probes, destination port grows per probe (default)\n"
"  -P METHOD          udp, udp-paris, icmp, icmp-paris, tcp (or 17, 1, 6)\n"
"  --paris            keep the flow identifier constant (ECMP-stable path)\n"
"  -f TTL             first TTL (default 1)\n"
"  -m TTL             maximum TTL (default 30)\n"
"  -q N               probes per hop (default 3)\n"
"  -w MAX[,HERE[,NEAR]]  wait at most MAX s; HERE/NEAR times the RTT seen at\n"
"                     this hop / a later hop (default 5,3,10)\n"
"  -z SECS            pause between probes of this trace (>10: milliseconds)\n"
"  -N N               probes in flight at once (default: no cap but the rate)\n"
"  --rate PPS         probe-rate cap, probes per second (default 2000)\n"
"  --gap N            report at most N silent TTLs past the last responder\n"
"                     (default 5, 0: never; the probes are sent anyway)\n"
"  --loss             measure loss: probes in rounds, ICMP rate limits learned\n"
"                     and kept under, echo where replies stay limited\n"
"                     (the default from -q 10 on)\n"
"  --quick            no loss measurement: every probe at once\n"
"  --interval SECS    seconds between the rounds of --loss (default 0.5)\n"
"  -p PORT            UDP base port (33434) / TCP destination port (80)\n"
"  -e                 fixed UDP destination port (no increment per probe)\n"
"  -s ADDR            source address\n"
"  -i IFACE           send through this interface\n"
"  -t TOS             type of service / traffic class (0..255)\n"
"  -F                 set Don't Fragment (IPv4)\n"
"  -r                 bypass the routing table (directly attached hosts)\n"
"  -n                 no reverse DNS\n"
"  -A FILE            AS numbers from a pfx2as table (CAIDA format)\n"
"  -D                 show how quoted headers were altered on the way\n"
"  -S                 print the number of unanswered probes per hop\n";

void
probe_opts_init(struct probe_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->method = TRACE_METHOD_UDP;
	o->port = 0;		/* method default: 33434 udp, 80 tcp */
	o->first_ttl = 1;
	o->max_ttl = 30;
	o->queries = 3;
	o->wait_max = 5.0;
	o->wait_here = 3.0;
	o->wait_near = 10.0;
	o->pps = PROBE_PPS_DEFAULT;
	o->tos = 0;
	o->gap_limit = 0;
}

int
probe_opts_gap_limit(const struct probe_opts *o)
{
	if (o->gap_limit < 0)
		return 0;
	return o->gap_limit == 0 ? PROBE_GAP_DEFAULT : o->gap_limit;
}

int
probe_opts_loss(const struct probe_opts *o)
{
	if (o->loss != 0)
		return o->loss > 0;
	return o->queries >= PROBE_LOSS_QUERIES;
}

double
probe_opts_interval(const struct probe_opts *o)
{
	return o->interval > 0 ? o->interval : PROBE_INTERVAL_DEFAULT;
}

double
probe_opts_round_s(const struct probe_opts *o)
{
	double	 per;
	int	 first = o->first_ttl > 0 ? o->first_ttl : 1;
	int	 hops = o->max_ttl >= first ? o->max_ttl - first + 1 : 1;

	if (probe_opts_loss(o))
		return probe_opts_interval(o);
	per = 1.0 / (o->pps > 0 ? o->pps : PROBE_PPS_DEFAULT);
	if (o->pause > per)
		per = o->pause;
	return hops * per;
}

/* A whole-string integer in [lo, hi]. */
static int get_int(const char *s, long lo, long hi, int *out);

int
probe_site_method_parse(const char *s, enum trace_method *m, int *port,
    char *err, size_t errlen)
{
	char	 name[16];
	const char *colon = strchr(s, ':');
	size_t	 l = colon ? (size_t)(colon - s) : strlen(s);

	*port = 0;
	if (l == 0 || l >= sizeof(name))
		goto bad;
	memcpy(name, s, l);
	name[l] = '\0';
	if (trace_method_parse(name, m) == -1 || *m == TRACE_METHOD_UNKNOWN)
		goto bad;
	if (*m == TRACE_METHOD_TCP)
		*port = PROBE_SITE_TCP_PORT;
	if (colon != NULL && (*m != TRACE_METHOD_TCP ||
	    get_int(colon + 1, 1, 65535, port) == -1))
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "site method '%.32s': want udp, udp-paris, icmp, "
	    "icmp-paris, tcp or tcp:PORT", s);
	return -1;
}

static int
get_int(const char *s, long lo, long hi, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* A whole-string finite number in [lo, hi]. */
static int
get_double(const char *s, double lo, double hi, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* -w MAX[,HERE[,NEAR]] (also '/' as separator, as Linux traceroute). */
static int
parse_wait(struct probe_opts *o, const char *arg)
{
	char	 buf[64], *p, *tok, *save = NULL;
	double	 v[3] = { o->wait_max, o->wait_here, o->wait_near };
	int	 i = 0;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	for (p = buf; (tok = strtok_r(p, ",/", &save)) != NULL; p = NULL) {
		if (i >= 3 || get_double(tok, 0, 3600, &v[i]) == -1)
			return -1;
		i++;
	}
	if (i == 0)
		return -1;
	o->wait_max = v[0];
	o->wait_here = v[1];
	o->wait_near = v[2];
	return 0;
}

static int
parse_method(const char *s, enum trace_method *m)
{
	if (strcmp(s, "17") == 0 || strcmp(s, "udp") == 0)
		*m = TRACE_METHOD_UDP;
	else if (strcmp(s, "1") == 0 || strcmp(s, "58") == 0 ||
	    strcmp(s, "icmp") == 0)
		*m = TRACE_METHOD_ICMP;
	else if (strcmp(s, "6") == 0 || strcmp(s, "tcp") == 0)
		*m = TRACE_METHOD_TCP;
	else if (trace_method_parse(s, m) == -1 || *m == TRACE_METHOD_UNKNOWN)
		return -1;
	return 0;
}

static int
is_addr(const char *s, int af)
{
	unsigned char	 buf[16];

	if (af != 6 && inet_pton(AF_INET, s, buf) == 1)
		return 4;
	if (af != 4 && inet_pton(AF_INET6, s, buf) == 1)
		return 6;
	return 0;
}

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

enum { OPT_PARIS = 1000, OPT_RATE, OPT_GAP, OPT_LOSS, OPT_QUICK, OPT_INTERVAL };

int
probe_opts_parse(struct probe_opts *o, int argc, char **argv, char *err,
    size_t errlen)
{
	static const struct option longopts[] = {
		{ "paris", no_argument, NULL, OPT_PARIS },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "gap", required_argument, NULL, OPT_GAP },
		{ "loss", no_argument, NULL, OPT_LOSS },
		{ "quick", no_argument, NULL, OPT_QUICK },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ NULL, 0, NULL, 0 }
	};
	char	**av;
	int	 ch, paris = 0, v, nargs, i;

	/* getopt_long wants argv[0]; work on a copy with a program name. */
	if ((av = calloc((size_t)argc + 2, sizeof(*av))) == NULL)
		BAD("out of memory");
	av[0] = (char *)(uintptr_t)"trace";
	for (i = 0; i < argc; i++)
		av[i + 1] = argv[i];
	optind = 0;
	opterr = 0;
	/* The leading ':' makes a missing value ':' (optopt the option). */
	while ((ch = getopt_long(argc + 1, av, ":46A:DFIM:N:P:STUef:g:i:m:np:q:rs:t:w:z:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case '4': o->af = 4; break;
		case '6': o->af = 6; break;
		case 'I': o->method = TRACE_METHOD_ICMP; break;
		case 'T': o->method = TRACE_METHOD_TCP; break;
		case 'U': o->method = TRACE_METHOD_UDP; break;
		case 'M':
		case 'P':
			if (parse_method(optarg, &o->method) == -1)
				goto bad_method;
			break;
		case OPT_PARIS: paris = 1; break;
		case 'A':
			if (strlen(optarg) >= sizeof(o->asfile))
				goto bad_len;
			strcpy(o->asfile, optarg);
			break;
		case 'D': o->quoted_diff = 1; break;
		case 'F': o->dont_fragment = 1; break;
		case 'S': o->unanswered_summary = 1; break;
		case 'e': o->fixed_port = 1; break;
		case 'n': o->no_dns = 1; break;
		case 'r': o->bypass_route = 1; break;
		case 'f':
			if (get_int(optarg, 1, TRACE_MAX_TTL, &o->first_ttl) == -1)
				goto bad_val;
			break;
		case 'm':
			if (get_int(optarg, 1, TRACE_MAX_TTL, &o->max_ttl) == -1)
				goto bad_val;
			break;
		case 'q':
			if (get_int(optarg, 1, TRACE_MAX_QUERIES, &o->queries) == -1)
				goto bad_val;
			break;
		case 'N':
			if (get_int(optarg, 1, 65535, &o->max_inflight) == -1)
				goto bad_val;
			break;
		case 'p':
			if (get_int(optarg, 1, 65535, &o->port) == -1)
				goto bad_val;
			break;
		case 't':
			if (get_int(optarg, 0, 255, &o->tos) == -1)
				goto bad_val;
			break;
		case 'w':
			if (parse_wait(o, optarg) == -1)
				goto bad_val;
			break;
		case 'z':
			if (get_double(optarg, 0, 60000, &o->pause) == -1)
				goto bad_val;
			if (o->pause > 10)	/* Linux traceroute: ms above 10 */
				o->pause /= 1000.0;
			break;
		case OPT_RATE:
			if (get_double(optarg, 1, 1000000, &o->pps) == -1)
				goto bad_val;
			break;
		case OPT_GAP:
			if (get_int(optarg, 0, TRACE_MAX_TTL, &v) == -1)
				goto bad_val;
			o->gap_limit = v == 0 ? -1 : v;
			break;
		case OPT_LOSS: o->loss = 1; break;
		case OPT_QUICK: o->loss = -1; break;
		case OPT_INTERVAL:
			if (get_double(optarg, 0.01, 60, &o->interval) == -1)
				goto bad_val;
			break;
		case 's':
			if (!is_addr(optarg, 0))
				goto bad_addr;
			snprintf(o->src, sizeof(o->src), "%s", optarg);
			break;
		case 'i':
			if (strlen(optarg) >= sizeof(o->iface) || *optarg == '\0')
				goto bad_len;
			strcpy(o->iface, optarg);
			break;
		case 'g':
			if (o->ngw >= PROBE_MAX_GW) {
				free(av);
				BAD("-g: at most %d gateways", PROBE_MAX_GW);
			}
			if (is_addr(optarg, 4) != 4)
				goto bad_addr;
			snprintf(o->gw[o->ngw++], TRACE_ADDR_LEN, "%s", optarg);
			break;
		case ':':
			if (optopt > 0 && optopt < 256) {
				free(av);
				BAD("option -%c needs a value", optopt);
			}
			/* a long option: named as given, below */
			/* FALLTHROUGH */
		default:
			if (optopt != 0 && optopt < 256) {
				free(av);
				BAD("unknown option -%c", optopt);
			}
			snprintf(err, errlen, "unknown option %s",
			    av[optind - 1] ? av[optind - 1] : "");
			free(av);
			return -1;
		}
	}
	if (paris) {
		if (o->method == TRACE_METHOD_UDP)
			o->method = TRACE_METHOD_UDP_PARIS;
		else if (o->method == TRACE_METHOD_ICMP)
			o->method = TRACE_METHOD_ICMP_PARIS;
	}
	nargs = argc + 1 - optind;
	if (nargs < 1) {
		free(av);
		BAD("no destination host given");
	}
	if (nargs > 2) {
		snprintf(err, errlen, "unexpected argument: %s", av[optind + 2]);
		free(av);
		return -1;
	}
	if (strlen(av[optind]) >= sizeof(o->host) || av[optind][0] == '\0') {
		free(av);
		BAD("destination host name too long or empty");
	}
	strcpy(o->host, av[optind]);
	if (nargs == 2 && get_int(av[optind + 1], 0, 65000, &o->packet_size) == -1) {
		snprintf(err, errlen, "bad packet size: %s", av[optind + 1]);
		free(av);
		return -1;
	}
	free(av);
	return probe_opts_check(o, err, errlen);

bad_method:
	snprintf(err, errlen, "-%c %s: unknown method (udp, udp-paris, icmp, "
	    "icmp-paris, tcp)", ch, optarg);
	free(av);
	return -1;
bad_val:
	if (ch >= OPT_PARIS)
		snprintf(err, errlen, "--%s %s: bad value",
		    ch == OPT_RATE ? "rate" : ch == OPT_GAP ? "gap" : "interval",
		    optarg);
	else
		snprintf(err, errlen, "-%c %s: bad value", ch, optarg);
	free(av);
	return -1;
bad_len:
	snprintf(err, errlen, "-%c: value too long", ch);
	free(av);
	return -1;
bad_addr:
	snprintf(err, errlen, "-%c %s: not an IP address", ch, optarg);
	free(av);
	return -1;
}

int
probe_opts_fit(const struct probe_opts *o, size_t limit, char *err,
    size_t errlen)
{
	long	 hops = o->max_ttl - o->first_ttl + 1;
	long	 probes = (long)o->queries * hops;
	size_t	 need;

	if (hops < 1 || o->queries < 1)
		return 0;	/* probe_opts_check's to refuse */
	need = (size_t)probes * PROBE_WIRE_PROBE_MIN +
	    (size_t)hops * PROBE_WIRE_HOP_MIN + PROBE_WIRE_FIXED;
	if (need > limit)
		BAD("%ld probes make a result of at least %zu bytes, over the "
		    "controller's frame limit of %zu bytes: fewer probes per hop "
		    "(-q) or hops (-f, -m)", probes, need, limit);
	return 0;
}

int
probe_opts_check(const struct probe_opts *o, char *err, size_t errlen)
{
	int	 saf;

	if (o->host[0] == '\0' || memchr(o->host, '\0', sizeof(o->host)) == NULL)
		BAD("no destination host");
	if (o->af != 0 && o->af != 4 && o->af != 6)
		BAD("address family must be 4 or 6");
	if (o->method < TRACE_METHOD_UDP || o->method >= TRACE_METHOD_UNKNOWN)
		BAD("unknown probe method");
	if (o->first_ttl < 1 || o->first_ttl > TRACE_MAX_TTL ||
	    o->max_ttl < 1 || o->max_ttl > TRACE_MAX_TTL)
		BAD("TTLs must be within 1..%d", TRACE_MAX_TTL);
	if (o->first_ttl > o->max_ttl)
		BAD("first TTL %d is above the maximum TTL %d", o->first_ttl,
		    o->max_ttl);
	if (o->queries < 1 || o->queries > TRACE_MAX_QUERIES)
		BAD("probes per hop must be within 1..%d", TRACE_MAX_QUERIES);
	if ((long)o->queries * (o->max_ttl - o->first_ttl + 1) > 65000)
		BAD("too many probes in one trace (at most 65000)");
	if (!(o->wait_max > 0) || o->wait_max > 3600 || o->wait_here < 0 ||
	    o->wait_near < 0 || !isfinite(o->wait_here) ||
	    !isfinite(o->wait_near))
		BAD("bad wait times");
	if (o->pause < 0 || o->pause > 60 || !isfinite(o->pause))
		BAD("bad pause between probes");
	if (!(o->pps >= 0) || o->pps > 1000000)
		BAD("bad probe rate");
	if (o->port < 0 || o->port > 65535)
		BAD("bad port %d", o->port);
	if (o->packet_size < 0 || o->packet_size > 65000)
		BAD("bad packet size %d", o->packet_size);
	if (o->tos < 0 || o->tos > 255)
		BAD("bad TOS %d", o->tos);
	if (o->max_inflight < 0)
		BAD("bad number of probes in flight");
	if (o->gap_limit < -1 || o->gap_limit > TRACE_MAX_TTL)
		BAD("bad gap limit");
	if (o->loss < -1 || o->loss > 1)
		BAD("bad loss setting");
	if (!(o->interval >= 0) || o->interval > 60 ||
	    (o->interval > 0 && o->interval < 0.01))
		BAD("bad interval between rounds (0.01..60 s)");
	if (memchr(o->src, '\0', sizeof(o->src)) == NULL ||
	    memchr(o->iface, '\0', sizeof(o->iface)) == NULL ||
	    memchr(o->asfile, '\0', sizeof(o->asfile)) == NULL)
		BAD("option value too long");
	if (o->src[0] != '\0') {
		if ((saf = is_addr(o->src, 0)) == 0)
			BAD("-s %s: not an IP address", o->src);
		if (o->af != 0 && saf != o->af)
			BAD("-s %s: not an IPv%d address", o->src, o->af);
	}
	if (o->ngw < 0 || o->ngw > PROBE_MAX_GW)
		BAD("bad number of gateways");
	return 0;
}
