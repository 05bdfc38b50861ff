/* delayline.c: a two-port Ethernet delay line for the lab (tp-delayline).
 *
 * The kernel of the test machines has no sch_netem, so impaired lab links
 * are made of two veth pairs with this program in the middle:
 *
 *     node A  eth ── a-port  [tp-delayline]  b-port ── eth  node B
 *
 * Every frame that arrives on one port leaves on the other after the
 * configured delay (plus a uniform jitter), unless the loss draw drops it.
 * Each direction is one FIFO: jitter never reorders, a frame never leaves
 * before the one ahead of it.  The queue is bounded; a frame that finds it
 * full is dropped and counted.  Counters go to stderr on SIGUSR1 and on exit
 * (SIGTERM, SIGINT).
 *
 * Timing: arrival times come from the kernel's receive timestamps
 * (SO_TIMESTAMPNS), translated to CLOCK_MONOTONIC, so the time a frame
 * waited in the socket before we read it is not added to its delay.
 * Departures are driven by one absolute CLOCK_MONOTONIC timerfd.
 *
 * The program parses no frame content: it only copies whole frames of at
 * most DL_FRAME_MAX bytes (longer ones are dropped and counted).
 */

#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <linux/if_packet.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define DL_FRAME_MAX	2048	/* largest frame copied (veth MTU 1500 + header) */
#define DL_QUEUE_DEF	1000	/* default queue bound per direction, frames */
#define DL_QUEUE_MAX	100000	/* largest queue bound accepted */

/* One queued frame. */
struct dl_frame {
	uint64_t	 depart_ns;		/* CLOCK_MONOTONIC time to send it */
	uint16_t	 len;			/* bytes used in data */
	unsigned char	 data[DL_FRAME_MAX];	/* the whole Ethernet frame */
};

/* Impairment and state of one direction (frames in on one port, out the other). */
struct dl_dir {
	const char	*name;		/* "a>b" or "b>a", for the counters */
	uint64_t	 delay_ns;	/* base one-way delay */
	uint64_t	 jitter_ns;	/* departure varies uniformly in +-jitter */
	double		 loss;		/* drop probability, 0..1 */
	uint64_t	 rng;		/* state of this direction's draws */
	int		 in_fd;		/* packet socket frames arrive on */
	int		 out_fd;	/* packet socket frames leave on */
	struct dl_frame	*ring;		/* FIFO of qmax slots */
	size_t		 qmax;		/* queue bound */
	size_t		 head;		/* index of the oldest queued frame */
	size_t		 count;		/* frames queued */
	uint64_t	 last_depart_ns;/* departure of the newest queued frame */
	uint64_t	 forwarded;	/* frames sent out */
	uint64_t	 lost;		/* frames dropped by the loss draw */
	uint64_t	 overflow;	/* frames dropped because the queue was full */
	uint64_t	 oversize;	/* frames dropped for exceeding DL_FRAME_MAX */
	uint64_t	 send_errors;	/* frames the kernel refused to send */
};

/*
 * Wake-up lead: the timer fires this long before a departure, because the
 * wake-up itself comes late.  The lead is the moving average (1/8) of the
 * lateness measured at every timer wake-up, each sample capped at
 * DL_LEAD_MAX (one stall of a loaded machine must not make the next
 * frames leave far too early).  A delay is the sum of many such waits
 * (12 links, both ways), so it is the mean error that must be zero;
 * single frames leave up to a lead early or late, a few tens of us.
 */
#define DL_LEAD_INIT	80000ULL	/* ns, first guess (a loaded 2-core VM) */
#define DL_LEAD_MAX	500000ULL	/* ns, cap of one lateness sample */
static uint64_t dl_lead_ns = DL_LEAD_INIT;	/* current lead */
static uint64_t dl_armed_ns;			/* time the timer is set for, 0 = none */

/*
 * Send cost: how long a send() takes.  On a veth the receiving side's
 * stack (a router forwarding the frame, often up to the next delay line)
 * runs inside that call, so a frame reaches the next hop some time after
 * we start sending it: on average about half the call (measured: sending
 * early by the whole cost makes a 12-link chain 0.4-0.9 ms too fast,
 * not at all 1 ms too slow under load).  Frames are sent half the moving
 * average of the measured cost early, at most DL_SEND_MAX / 2.
 */
#define DL_SEND_MAX	200000ULL	/* ns */
static uint64_t dl_send_ns;
static int64_t dl_resid_ns;	/* moving average of send start - departure */

/* Deterministic pseudo-random generator (xorshift64*).  Each direction has
 * its own, so a direction's draws depend only on its own frames. */
static uint64_t
dl_rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform double in [0, 1). */
static double
dl_rng_unit(uint64_t *state)
{
	return (double)(dl_rng_next(state) >> 11) / (double)(1ULL << 53);
}

static uint64_t
dl_ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;
}

static uint64_t
dl_now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return dl_ts_ns(&ts);
}

/* Parse a non-negative number of milliseconds (fractions allowed) into ns. */
static int
dl_parse_ms(const char *s, uint64_t *ns)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 600000)
		return -1;
	*ns = (uint64_t)(v * 1e6 + 0.5);
	return 0;
}

/* Parse a loss percentage 0..100 into a probability. */
static int
dl_parse_pct(const char *s, double *p)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 100)
		return -1;
	*p = v / 100.0;
	return 0;
}

/* Open a packet socket that sees every frame arriving on IFNAME. */
static int
dl_open_port(const char *ifname, char *err, size_t errlen)
{
	struct sockaddr_ll	sll;
	unsigned int		ifindex;
	int			fd, one = 1, rcvbuf = 4 * 1024 * 1024;

	ifindex = if_nametoindex(ifname);
	if (ifindex == 0) {
		snprintf(err, errlen, "no interface %s", ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL));
	if (fd == -1) {
		snprintf(err, errlen, "packet socket: %s", strerror(errno));
		return -1;
	}
	/* Our own transmissions must not come back to us as input. */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) == -1) {
		snprintf(err, errlen, "SO_TIMESTAMPNS: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		snprintf(err, errlen, "bind %s: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Read every frame waiting on d->in_fd and queue (or drop) it. */
static void
dl_receive(struct dl_dir *d)
{
	struct dl_frame		 scratch;
	union {
		char		 buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr	 align;
	}			 ctl;

	for (;;) {
		struct sockaddr_ll	 from;
		struct iovec		 iov;
		struct msghdr		 msg;
		struct cmsghdr		*cm;
		struct dl_frame		*f;
		uint64_t		 now_mono, now_real, rx_real, arrival;
		uint64_t		 depart, jit;
		ssize_t			 n;

		f = d->count < d->qmax ?
		    &d->ring[(d->head + d->count) % d->qmax] : &scratch;
		iov.iov_base = f->data;
		iov.iov_len = sizeof(f->data);
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(d->in_fd, &msg, MSG_TRUNC);
		if (n == -1)
			return;		/* EAGAIN: drained */
		now_mono = dl_now(CLOCK_MONOTONIC);
		now_real = dl_now(CLOCK_REALTIME);
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;	/* kernels without IGNORE_OUTGOING */
		if ((size_t)n > sizeof(f->data) || (msg.msg_flags & MSG_TRUNC)) {
			d->oversize++;
			continue;
		}
		/* Translate the kernel's arrival stamp to CLOCK_MONOTONIC. */
		arrival = now_mono;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				rx_real = dl_ts_ns(&ts);
				if (rx_real <= now_real &&
				    now_real - rx_real < 1000000000ULL)
					arrival = now_mono - (now_real - rx_real);
			}
		}
		if (d->loss > 0 && dl_rng_unit(&d->rng) < d->loss) {
			d->lost++;
			continue;
		}
		if (f == &scratch) {
			d->overflow++;
			continue;
		}
		depart = arrival + d->delay_ns;
		if (d->jitter_ns > 0) {
			jit = (uint64_t)(dl_rng_unit(&d->rng) *
			    (double)(2 * d->jitter_ns));
			depart = depart + jit >= d->jitter_ns ?
			    depart + jit - d->jitter_ns : 0;
		}
		if (d->count > 0 && depart < d->last_depart_ns)
			depart = d->last_depart_ns;	/* FIFO: never reorder */
		f->depart_ns = depart;
		f->len = (uint16_t)n;
		d->last_depart_ns = depart;
		d->count++;
	}
}

/* Send every frame of d whose time has come. */
static void
dl_send_due(struct dl_dir *d, uint64_t now)
{
	while (d->count > 0) {
		struct dl_frame *f = &d->ring[d->head];

		uint64_t t0, t1;

		if (f->depart_ns > now + dl_lead_ns + dl_send_ns / 2)
			break;
		t0 = dl_now(CLOCK_MONOTONIC);
		dl_resid_ns += ((int64_t)(t0 - f->depart_ns) - dl_resid_ns) / 16;
		if (send(d->out_fd, f->data, f->len, 0) == -1)
			d->send_errors++;	/* dropped, like a full NIC ring */
		else
			d->forwarded++;
		t1 = dl_now(CLOCK_MONOTONIC);
		if (t1 - t0 < 10 * DL_SEND_MAX) {
			dl_send_ns += ((int64_t)(t1 - t0) - (int64_t)dl_send_ns) / 16;
			if (dl_send_ns > DL_SEND_MAX)
				dl_send_ns = DL_SEND_MAX;
		}
		d->head = (d->head + 1) % d->qmax;
		d->count--;
	}
}

static void
dl_report(const struct dl_dir *dirs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "tp-delayline: %s forwarded=%" PRIu64
		    " lost=%" PRIu64 " overflow=%" PRIu64 " oversize=%" PRIu64
		    " send_errors=%" PRIu64 " queued=%zu lead_us=%" PRIu64
		    " send_us=%" PRIu64 " resid_us=%" PRId64 "\n",
		    dirs[i].name, dirs[i].forwarded, dirs[i].lost,
		    dirs[i].overflow, dirs[i].oversize, dirs[i].send_errors,
		    dirs[i].count, dl_lead_ns / 1000, dl_send_ns / 1000,
		    dl_resid_ns / 1000);
	fflush(stderr);
}

/* Arm the timer for the earliest queued departure, or disarm it. */
static int
dl_arm(int tfd, const struct dl_dir *dirs, size_t n)
{
	struct itimerspec	its;
	uint64_t		next = UINT64_MAX;
	size_t			i;

	for (i = 0; i < n; i++)
		if (dirs[i].count > 0 &&
		    dirs[i].ring[dirs[i].head].depart_ns < next)
			next = dirs[i].ring[dirs[i].head].depart_ns;
	memset(&its, 0, sizeof(its));
	dl_armed_ns = 0;
	if (next != UINT64_MAX) {
		next = next > dl_lead_ns + dl_send_ns / 2 ?
		    next - dl_lead_ns - dl_send_ns / 2 : 1;
		if (next == 0)
			next = 1;	/* 0 would disarm */
		dl_armed_ns = next;
		its.it_value.tv_sec = (time_t)(next / 1000000000ULL);
		its.it_value.tv_nsec = (long)(next % 1000000000ULL);
	}
	return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void __attribute__((noreturn))
dl_usage(void)
{
	fprintf(stderr,
	    "usage: tp-delayline -a IF -b IF [-d MS] [-D MS] [-j MS] [-J MS]\n"
	    "                    [-l PCT] [-L PCT] [-q FRAMES] [-s SEED]\n"
	    "                    [-p PIDFILE] [-r]\n"
	    "  lower case: direction a>b, upper case: direction b>a\n"
	    "  -d/-D delay ms, -j/-J jitter ms (uniform +-), -l/-L loss %%\n"
	    "  -q queue bound per direction (default %d), -s loss/jitter seed\n"
	    "     (default: random),\n"
	    "  -p write the pid once both ports are open, -r real-time priority\n",
	    DL_QUEUE_DEF);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct dl_dir	 dirs[2];
	const char	*ifa = NULL, *ifb = NULL, *pidfile = NULL;
	char		 err[256];
	struct pollfd	 pfd[4];
	sigset_t	 mask;
	unsigned long	 qmax = DL_QUEUE_DEF;
	uint64_t	 seed = 0;
	int		 seeded = 0;
	int		 ch, rt = 0, sfd, tfd, fda, fdb, done = 0, rc = 0;
	char		*end;

	memset(dirs, 0, sizeof(dirs));
	dirs[0].name = "a>b";
	dirs[1].name = "b>a";
	while ((ch = getopt(argc, argv, "a:b:d:D:j:J:l:L:q:s:p:rh")) != -1) {
		switch (ch) {
		case 'a':
			ifa = optarg;
			break;
		case 'b':
			ifb = optarg;
			break;
		case 'd':
		case 'D':
			if (dl_parse_ms(optarg, &dirs[ch == 'D'].delay_ns) == -1) {
				fprintf(stderr, "tp-delayline: bad delay %s\n", optarg);
				return 2;
			}
			break;
		case 'j':
		case 'J':
			if (dl_parse_ms(optarg, &dirs[ch == 'J'].jitter_ns) == -1) {
				fprintf(stderr, "tp-delayline: bad jitter %s\n", optarg);
				return 2;
			}
			break;
		case 'l':
		case 'L':
			if (dl_parse_pct(optarg, &dirs[ch == 'L'].loss) == -1) {
				fprintf(stderr, "tp-delayline: bad loss %s (0..100)\n",
				    optarg);
				return 2;
			}
			break;
		case 'q':
			errno = 0;
			qmax = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || qmax < 1 ||
			    qmax > DL_QUEUE_MAX) {
				fprintf(stderr, "tp-delayline: bad queue bound %s "
				    "(1..%d)\n", optarg, DL_QUEUE_MAX);
				return 2;
			}
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno != 0 || *end != '\0') {
				fprintf(stderr, "tp-delayline: bad seed %s\n", optarg);
				return 2;
			}
			seeded = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'r':
			rt = 1;
			break;
		default:
			dl_usage();
		}
	}
	if (ifa == NULL || ifb == NULL || optind != argc)
		dl_usage();

	/* Signals arrive through a signalfd, never asynchronously. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		fprintf(stderr, "tp-delayline: signalfd: %s\n", strerror(errno));
		return 1;
	}
	if ((fda = dl_open_port(ifa, err, sizeof(err))) == -1 ||
	    (fdb = dl_open_port(ifb, err, sizeof(err))) == -1) {
		fprintf(stderr, "tp-delayline: %s\n", err);
		return 1;
	}
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (tfd == -1) {
		fprintf(stderr, "tp-delayline: timerfd: %s\n", strerror(errno));
		return 1;
	}
	/* without -s: a different seed every run */
	if (!seeded && getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = dl_now(CLOCK_MONOTONIC) ^ ((uint64_t)getpid() << 32);
	/* xorshift needs a non-zero state; the two directions differ */
	dirs[0].rng = seed != 0 ? seed : 1;
	dirs[1].rng = (seed ^ 0xd1b54a32d192ed03ULL) != 0 ?
	    seed ^ 0xd1b54a32d192ed03ULL : 1;
	dirs[0].in_fd = fda;
	dirs[0].out_fd = fdb;
	dirs[1].in_fd = fdb;
	dirs[1].out_fd = fda;
	for (ch = 0; ch < 2; ch++) {
		dirs[ch].qmax = qmax;
		dirs[ch].ring = calloc(qmax, sizeof(struct dl_frame));
		if (dirs[ch].ring == NULL) {
			fprintf(stderr, "tp-delayline: out of memory for %lu "
			    "frames\n", qmax);
			return 1;
		}
	}

	/* Wake-ups on time matter more than anything else here. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (rt) {
		struct sched_param sp = { .sched_priority = 10 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp) == -1)
			fprintf(stderr, "tp-delayline: real-time priority: %s "
			    "(continuing)\n", strerror(errno));
	}
	if (pidfile != NULL) {
		FILE *fp = fopen(pidfile, "w");

		if (fp == NULL || fprintf(fp, "%ld\n", (long)getpid()) < 0 ||
		    fclose(fp) != 0) {
			fprintf(stderr, "tp-delayline: %s: %s\n", pidfile,
			    strerror(errno));
			return 1;
		}
	}

	pfd[0].fd = fda;
	pfd[1].fd = fdb;
	pfd[2].fd = tfd;
	pfd[3].fd = sfd;
	for (ch = 0; ch < 4; ch++)
		pfd[ch].events = POLLIN;
	while (!done) {
		if (poll(pfd, 4, -1) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "tp-delayline: poll: %s\n",
			    strerror(errno));
			rc = 1;
			break;
		}
		if (pfd[0].revents & POLLIN)
			dl_receive(&dirs[0]);
		if (pfd[1].revents & POLLIN)
			dl_receive(&dirs[1]);
		if (pfd[2].revents & POLLIN) {
			uint64_t expirations, now = dl_now(CLOCK_MONOTONIC);

			(void)read(tfd, &expirations, sizeof(expirations));
			if (dl_armed_ns != 0 && now >= dl_armed_ns) {
				int64_t late = (int64_t)(now - dl_armed_ns);

				if (late > (int64_t)DL_LEAD_MAX)
					late = (int64_t)DL_LEAD_MAX;
				dl_lead_ns = (uint64_t)((int64_t)dl_lead_ns +
				    (late - (int64_t)dl_lead_ns) / 8);
			}
		}
		dl_send_due(&dirs[0], dl_now(CLOCK_MONOTONIC));
		dl_send_due(&dirs[1], dl_now(CLOCK_MONOTONIC));
		if (pfd[3].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGUSR1)
					dl_report(dirs, 2);
				else
					done = 1;
			}
		}
		if ((pfd[0].revents | pfd[1].revents) & (POLLERR | POLLNVAL)) {
			fprintf(stderr, "tp-delayline: port went away\n");
			done = 1;
		}
		if (dl_arm(tfd, dirs, 2) == -1) {
			fprintf(stderr, "tp-delayline: timerfd_settime: %s\n",
			    strerror(errno));
			rc = 1;
			break;
		}
	}
	dl_report(dirs, 2);
	if (pidfile != NULL)
		(void)unlink(pidfile);
	free(dirs[0].ring);
	free(dirs[1].ring);
	close(tfd);
	close(sfd);
	close(fda);
	close(fdb);
	return rc;
}
