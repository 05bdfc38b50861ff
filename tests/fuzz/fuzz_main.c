/*
 * fuzz_main.c: a driver for fuzz targets when libFuzzer is not used.
 *
 * Every fuzz target defines LLVMFuzzerTestOneInput().  Built with clang
 * -fsanitize=fuzzer (make fuzz) it is a libFuzzer target; linked with this
 * file it replays a seed corpus and then a bounded number of deterministic
 * mutations of each seed, printing one TAP line per seed, so `make test`
 * catches crashes (under SANITIZE=1, also memory errors) on every run.
 *
 *   fuzz_X --replay DIR [ITERATIONS]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* One mutation: flip, overwrite, insert, delete or truncate. */
static size_t
mutate(uint8_t *buf, size_t len, size_t cap)
{
	size_t	 pos = len ? next_rand() % len : 0;

	switch (next_rand() % 5) {
	case 0:
		if (len)
			buf[pos] ^= (uint8_t)(1u << (next_rand() % 8));
		break;
	case 1:
		if (len)
			buf[pos] = (uint8_t)next_rand();
		break;
	case 2:
		if (len < cap) {
			memmove(buf + pos + 1, buf + pos, len - pos);
			buf[pos] = (uint8_t)next_rand();
			len++;
		}
		break;
	case 3:
		if (len) {
			memmove(buf + pos, buf + pos + 1, len - pos - 1);
			len--;
		}
		break;
	default:
		len = pos;
		break;
	}
	return len;
}

static int
read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE	*f;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		fclose(f);
		return -1;
	}
	*out = malloc((size_t)n + 1);
	if (*out == NULL || fread(*out, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*out);
		return -1;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

int
main(int argc, char **argv)
{
	struct dirent	**ents;
	uint8_t		*seed, *work;
	size_t		 len, wlen = 0, cap;
	long		 iters = 2000, i;
	int		 n, k, count = 0;
	char		 path[4096];

	if (argc < 3 || strcmp(argv[1], "--replay") != 0) {
		fprintf(stderr, "usage: %s --replay DIR [ITERATIONS]\n", argv[0]);
		return 2;
	}
	if (argc > 3)
		iters = strtol(argv[3], NULL, 10);
	if ((n = scandir(argv[2], &ents, NULL, alphasort)) < 0) {
		fprintf(stderr, "%s: cannot read corpus %s\n", argv[0], argv[2]);
		return 2;
	}
	for (k = 0; k < n; k++) {
		if (ents[k]->d_name[0] == '.')
			continue;
		count++;
	}
	printf("1..%d\n", count);
	count = 0;
	for (k = 0; k < n; k++) {
		if (ents[k]->d_name[0] == '.') {
			free(ents[k]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", argv[2], ents[k]->d_name);
		if (read_file(path, &seed, &len) == -1) {
			printf("not ok %d - %s: unreadable\n", ++count, path);
			free(ents[k]);
			continue;
		}
		LLVMFuzzerTestOneInput(seed, len);
		cap = len + 64;
		work = malloc(cap);
		rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)k;
		for (i = 0; i < iters; i++) {
			/* Restart from the seed now and then so mutations stay near it. */
			if (i % 16 == 0) {
				memcpy(work, seed, len);
				wlen = len;
			}
			wlen = mutate(work, wlen, cap);
			/* Give the target an exact-size copy so overreads are caught. */
			uint8_t *exact = malloc(wlen ? wlen : 1);
			memcpy(exact, work, wlen);
			LLVMFuzzerTestOneInput(exact, wlen);
			free(exact);
		}
		printf("ok %d - %s (+%ld mutations)\n", ++count, ents[k]->d_name, iters);
		free(work);
		free(seed);
		free(ents[k]);
	}
	free(ents);
	return 0;
}
